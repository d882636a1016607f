using System.Net;
using AgentCore.Gateway.Identity.Users;
using Microsoft.AspNetCore.Antiforgery;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Login;

/// <summary>
/// The consent step of the authorization endpoint for clients registered with explicit consent (MCP clients): the user
/// sees which client asks for what, once; an accepted request is remembered as a permanent authorization for that
/// client and those scopes, so later requests that ask no more go straight through.
/// </summary>
internal static class ConsentPage
{
    /// <summary>The form field that carries the user's answer: <c>accept</c> or <c>deny</c>.</summary>
    public const string AnswerField = "consent";

    public enum Answer
    {
        None,
        Accepted,
        Denied,
        Forged,
    }

    /// <summary>The user's answer on this request, when it is a POST of the consent form with a valid antiforgery token.</summary>
    public static async Task<Answer> ReadAnswerAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            return Answer.None;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var answer = form[AnswerField].ToString();
        if (answer.Length == 0)
        {
            return Answer.None;
        }

        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return Answer.Forged;
        }

        return answer == "accept" ? Answer.Accepted : Answer.Denied;
    }

    /// <summary>The page: the client's name, the user, what it asks for, and the two buttons; every request parameter rides along.</summary>
    public static IResult Render(HttpContext context, OpenIddictRequest request, string clientName, UserAccount user)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var parameters = context.Request.HasFormContentType ? context.Request.Form.AsEnumerable() : context.Request.Query.AsEnumerable();
        var hidden = string.Concat(parameters
            .Where(parameter => parameter.Key != AnswerField && parameter.Key != tokens.FormFieldName)
            .SelectMany(parameter => parameter.Value.Select(value =>
                $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(parameter.Key)}\" value=\"{WebUtility.HtmlEncode(value ?? string.Empty)}\">")));
        var scopes = string.Concat(request.GetScopes().Select(scope => $"<li>{WebUtility.HtmlEncode(Describe(scope))}</li>"));
        var resources = string.Concat(request.GetResources().Select(resource => $"<li>{WebUtility.HtmlEncode(resource)}</li>"));
        var resourceHtml = resources.Length == 0 ? string.Empty : $"<p>For use with:</p><ul>{resources}</ul>";
        var main = $"""
            <h1 id="title">Allow {WebUtility.HtmlEncode(clientName)}?</h1>
            <p>Signed in as {WebUtility.HtmlEncode(user.UserName)}. <strong>{WebUtility.HtmlEncode(clientName)}</strong> ({WebUtility.HtmlEncode(request.ClientId)}) asks to act for you:</p>
            <ul>{scopes}</ul>
            {resourceHtml}
            <form method="post" action="{WebUtility.HtmlEncode(context.Request.PathBase + context.Request.Path)}">
            <input type="hidden" name="{WebUtility.HtmlEncode(tokens.FormFieldName)}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}">
            {hidden}
            <button type="submit" name="{AnswerField}" value="accept">Allow</button>
            <button type="submit" name="{AnswerField}" value="deny">Deny</button>
            </form>
            """;
        return ProductPage.Render(context, "Allow access", main);
    }

    private static string Describe(string scope) => scope switch
    {
        "agents.read" => "See your tenant's agents and their tasks (agents.read)",
        "agents.write" => "Give tasks to your tenant's agents (agents.write)",
        "events.read" => "Follow your agents' events (events.read)",
        Scopes.OfflineAccess => "Stay signed in when you are away (offline_access)",
        _ => scope,
    };
}
