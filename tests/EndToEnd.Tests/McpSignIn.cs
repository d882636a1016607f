using System.Net;
using System.Text.RegularExpressions;
using System.Web;
using ModelContextProtocol.Authentication;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// Plays the user in the authorization code flow the MCP client starts: follows the authorization URL through the real
/// login page (signing in with a password) and the consent page (allowing, when it is shown), and returns the code the
/// authorization server redirects to the client with. Cookies are kept, as a browser would.
/// </summary>
internal sealed partial class McpSignIn(Uri edge, string userName, string password) : IDisposable
{
    private readonly HttpClient browser = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        BaseAddress = edge,
    };

    /// <summary>How many times the consent page was shown.</summary>
    public int ConsentPagesShown { get; private set; }

    /// <summary>The MCP client's authorization callback: the code, state and issuer of the redirect to the client.</summary>
    public async Task<AuthorizationResult?> AuthorizeAsync(AuthorizationCallbackContext context, CancellationToken cancellationToken)
    {
        var redirect = await RedirectToClientAsync(context.AuthorizationUri, context.RedirectUri, cancellationToken)
            ?? throw new InvalidOperationException("The authorization server never redirected to the client.");
        var query = HttpUtility.ParseQueryString(redirect.Query);
        return new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
    }

    private async Task<Uri?> RedirectToClientAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken)
    {
        var next = authorizationUri;
        for (var step = 0; step < 10; step++)
        {
            using var response = await browser.GetAsync(next, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.Redirect)
            {
                var location = new Uri(next, response.Headers.Location!);
                if (location.AbsoluteUri.StartsWith(redirectUri.AbsoluteUri, StringComparison.Ordinal))
                {
                    return location;
                }

                next = location;
                continue;
            }

            var page = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"{next} answered {(int)response.StatusCode}: {page}");
            var form = HiddenFields(page);
            if (page.Contains("name=\"password\"", StringComparison.Ordinal))
            {
                form["username"] = userName;
                form["password"] = password;
                next = await PostAsync("/connect/login", form, redirectUri, cancellationToken) is { } afterLogin ? afterLogin : throw new InvalidOperationException("The sign-in did not redirect.");
            }
            else if (page.Contains("name=\"consent\"", StringComparison.Ordinal))
            {
                ConsentPagesShown++;
                form["consent"] = "accept";
                var answer = await PostAsync("/connect/authorize", form, redirectUri, cancellationToken);
                if (answer is not null && answer.AbsoluteUri.StartsWith(redirectUri.AbsoluteUri, StringComparison.Ordinal))
                {
                    return answer;
                }

                next = answer ?? throw new InvalidOperationException("The consent did not redirect.");
            }
            else
            {
                Assert.Fail($"Unexpected page at {next}: {page}");
            }
        }

        return null;
    }

    private async Task<Uri?> PostAsync(string path, Dictionary<string, string> form, Uri redirectUri, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Origin", browser.BaseAddress!.GetLeftPart(UriPartial.Authority));
        using var response = await browser.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True((int)response.StatusCode is >= 300 and < 400, $"POST {path} answered {(int)response.StatusCode}: {body}");
        return response.Headers.Location is { } location ? new Uri(new Uri(browser.BaseAddress, path), location) : null;
    }

    private static Dictionary<string, string> HiddenFields(string page) =>
        HiddenInput().Matches(page).ToDictionary(
            match => WebUtility.HtmlDecode(match.Groups["name"].Value),
            match => WebUtility.HtmlDecode(match.Groups["value"].Value),
            StringComparer.Ordinal);

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInput();

    public void Dispose() => browser.Dispose();
}
