using System.Net;
using System.Security.Claims;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Federation;
using AgentCore.Gateway.Identity.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.Login;

/// <summary>
/// The sign-in form of the authorization code flow: a plain HTML form with an antiforgery token, and a "Sign in with …"
/// link per outside provider. A successful login sets the session cookie and returns to the authorization request that
/// sent the user here.
/// </summary>
internal static class LoginPage
{
    public const string Path = "/connect/login";

    /// <summary>The pages' stylesheet: under <c>/connect</c>, so the Edge routes it to this service like the pages.</summary>
    public const string StylesheetPath = "/connect/assets/sign-in.css";

    /// <summary>
    /// A strict policy: nothing but this site's stylesheet, no script at all. No <c>form-action</c>, because browsers
    /// apply it to the redirects after a sign-in too, and those go to each client's own redirect URI.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

    private static readonly Lazy<byte[]> Stylesheet = new(() =>
    {
        using var stream = typeof(LoginPage).Assembly.GetManifestResourceStream("sign-in.css")
            ?? throw new InvalidOperationException("The embedded sign-in.css is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, Show).DisableAntiforgery();
        endpoints.MapPost(Path, SubmitAsync).DisableAntiforgery();
        endpoints.MapGet(StylesheetPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(Stylesheet.Value, "text/css; charset=utf-8");
        });
        return endpoints;
    }

    private static IResult Show(HttpContext context, string? returnUrl) => Render(context, returnUrl, error: null);

    private static async Task<IResult> SubmitAsync(HttpContext context, IAntiforgery antiforgery, UserAuthenticator users, AuthAudit audit)
    {
        if (!context.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        IFormCollection form;
        try
        {
            await antiforgery.ValidateRequestAsync(context);
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (AntiforgeryValidationException)
        {
            return Render(context, returnUrl: null, "The sign-in form expired or did not come from this page. Sign in again.", StatusCodes.Status400BadRequest);
        }

        var userName = form["username"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        var (result, user) = await users.AuthenticateAsync(userName, form["password"].ToString(), context.Connection.RemoteIpAddress, context.RequestAborted);
        if (result != LoginResult.Succeeded)
        {
            var (reason, message, status) = result switch
            {
                LoginResult.Throttled => ("throttled", "The user name or password is incorrect.", StatusCodes.Status401Unauthorized),
                LoginResult.DirectoryUnavailable => ("directory_unavailable", "Your organisation's directory is not answering. Try again in a moment.", StatusCodes.Status503ServiceUnavailable),
                _ => ("invalid_credentials", "The user name or password is incorrect.", StatusCodes.Status401Unauthorized),
            };
            audit.Record(context, AuditEventTypes.LoginFailed, AuditOutcomes.Failure, new AuditActor(null, user?.Id, user?.TenantId), reason);
            return Render(context, returnUrl, message, status);
        }

        audit.Record(context, AuditEventTypes.LoginSucceeded, AuditOutcomes.Success, new AuditActor(null, user!.Id, user.TenantId));
        return await SignInAsync(context, user, returnUrl);
    }

    /// <summary>Starts the session of a user who proved who they are, here or at an outside provider, and returns.</summary>
    public static async Task<IResult> SignInAsync(HttpContext context, UserAccount user, string? returnUrl)
    {
        var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme);
        identity.AddClaim(new Claim(GatewayClaims.Subject, user.Id));
        identity.AddClaim(new Claim(ClaimTypes.Name, user.UserName));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(ReturnUrl.LocalOrRoot(returnUrl));
    }

    /// <summary>
    /// The page, with the failure's message above the form when a sign-in failed (whatever message the caller chose;
    /// it is announced to screen readers and tied to the fields it concerns).
    /// </summary>
    public static IResult Render(HttpContext context, string? returnUrl, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var providers = context.RequestServices.GetRequiredService<IOptions<FederationOptions>>().Value.OidcProviders;
        var errorHtml = error is null ? string.Empty : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var invalid = error is null ? string.Empty : " aria-invalid=\"true\"";
        var providerHtml = string.Concat(providers.Select(provider =>
            $"<li><a href=\"{WebUtility.HtmlEncode(FederationEndpoints.StartPath(provider.Key, returnUrl))}\">Sign in with {WebUtility.HtmlEncode(provider.Value.DisplayName ?? provider.Key)}</a></li>"));
        if (providerHtml.Length > 0)
        {
            providerHtml = $"<section class=\"providers\" aria-labelledby=\"providers-title\"><h2 id=\"providers-title\">Or use your organisation's account</h2><ul>{providerHtml}</ul></section>";
        }

        var main = $"""
            <h1 id="title">Sign in</h1>
            {errorHtml}
            <form method="post" action="{Path}">
            <input type="hidden" name="{WebUtility.HtmlEncode(tokens.FormFieldName)}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}">
            <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl ?? string.Empty)}">
            <label>User name <input name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus{invalid}></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required{invalid}></label>
            <button type="submit">Sign in</button>
            </form>
            {providerHtml}
            """;
        return ProductPage.Render(context, "Sign in", main, status);
    }
}
