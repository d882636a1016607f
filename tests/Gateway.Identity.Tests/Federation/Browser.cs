using System.Net;
using System.Text.RegularExpressions;

namespace AgentCore.Gateway.Identity.Tests.Federation;

/// <summary>
/// A browser for flows that cross sites: one cookie jar per origin (scheme, host and port), as the instances in these
/// tests all live on localhost and would otherwise overwrite each other's cookies. Redirects are not followed, so
/// each hop can be inspected.
/// </summary>
internal sealed partial class Browser : IDisposable
{
    private readonly Dictionary<string, HttpClient> origins = [];

    public async Task<Page> GetAsync(Uri url)
    {
        using var response = await ClientFor(url).GetAsync(url, TestContext.Current.CancellationToken);
        return await Page.ReadAsync(url, response);
    }

    /// <summary>Submits the page's form (its hidden fields, such as the antiforgery token, plus the given ones).</summary>
    public async Task<Page> SubmitAsync(Page page, IReadOnlyDictionary<string, string> fields)
    {
        var form = FormAction().Match(page.Body);
        Assert.True(form.Success, "The page has no form: " + page.Body);
        var values = HiddenField().Matches(page.Body).ToDictionary(
            match => WebUtility.HtmlDecode(match.Groups[1].Value), match => WebUtility.HtmlDecode(match.Groups[2].Value));
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        var action = new Uri(page.Url, WebUtility.HtmlDecode(form.Groups[1].Value));
        using var response = await ClientFor(action).PostAsync(action, new FormUrlEncodedContent(values), TestContext.Current.CancellationToken);
        return await Page.ReadAsync(action, response);
    }

    public void Dispose()
    {
        foreach (var client in origins.Values)
        {
            client.Dispose();
        }
    }

    private HttpClient ClientFor(Uri url)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        if (!origins.TryGetValue(origin, out var client))
        {
            client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });
            origins[origin] = client;
        }

        return client;
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\">")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}

/// <summary>One answer the browser received: where from, its status, where it redirects to, and its text.</summary>
internal sealed partial record Page(Uri Url, HttpStatusCode Status, Uri? Location, string Body)
{
    public static async Task<Page> ReadAsync(Uri url, HttpResponseMessage response)
    {
        var location = response.Headers.Location is { } next ? new Uri(url, next) : null;
        return new Page(url, response.StatusCode, location, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public bool IsRedirect => Status is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther && Location is not null;

    /// <summary>The target of the page's link with exactly this text.</summary>
    public Uri Link(string text)
    {
        foreach (Match link in Anchor().Matches(Body))
        {
            if (WebUtility.HtmlDecode(link.Groups[2].Value) == text)
            {
                return new Uri(Url, WebUtility.HtmlDecode(link.Groups[1].Value));
            }
        }

        throw new InvalidOperationException($"No link '{text}' on {Url}: {Body}");
    }

    /// <summary>The text of the page's alert, where the login page explains a failure.</summary>
    public string? Alert => AlertText().Match(Body) is { Success: true } alert ? WebUtility.HtmlDecode(alert.Groups[1].Value) : null;

    [GeneratedRegex("<a href=\"([^\"]+)\">([^<]+)</a>")]
    private static partial Regex Anchor();

    [GeneratedRegex("<p role=\"alert\">([^<]*)</p>")]
    private static partial Regex AlertText();
}
