using Microsoft.Playwright;

namespace AgentCore.Gateway.Browser.Tests.Infrastructure;

/// <summary>
/// Everything a page did that a person would see go wrong in the developer tools: every response with its status,
/// requests that failed outright, console errors (CSP violations among them) and uncaught exceptions.
/// </summary>
internal sealed class PageLog
{
    private readonly List<(string Method, string Url, int Status)> responses = [];
    private readonly List<string> failedRequests = [];
    private readonly List<string> consoleErrors = [];

    public PageLog(IPage page)
    {
        page.Response += (_, response) =>
        {
            lock (responses)
            {
                responses.Add((response.Request.Method, response.Url, response.Status));
            }
        };
        page.RequestFailed += (_, request) => Add(failedRequests, $"{request.Method} {request.Url}: {request.Failure}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Add(consoleErrors, message.Text);
            }
        };
        page.PageError += (_, error) => Add(consoleErrors, "uncaught: " + error);
    }

    public IReadOnlyList<(string Method, string Url, int Status)> Responses
    {
        get
        {
            lock (responses)
            {
                return [.. responses];
            }
        }
    }

    /// <summary>No 403 anywhere: the Edge refused nothing the page did.</summary>
    public void AssertNoForbidden() =>
        Assert.True(
            Responses.All(response => response.Status != 403),
            "Refused with 403: " + string.Join("; ", Responses.Where(response => response.Status == 403)));

    /// <summary>No request failed or answered 4xx/5xx, and the console stayed free of errors.</summary>
    public void AssertClean()
    {
        AssertNoForbidden();
        Assert.True(
            Responses.All(response => response.Status < 400),
            "Failed responses: " + string.Join("; ", Responses.Where(response => response.Status >= 400)));
        Assert.True(failedRequests.Count == 0, "Failed requests: " + string.Join("; ", Snapshot(failedRequests)));
        Assert.True(consoleErrors.Count == 0, "Console errors: " + string.Join("; ", Snapshot(consoleErrors)));
    }

    public override string ToString() =>
        string.Join('\n', Responses.Select(r => $"{r.Status} {r.Method} {r.Url}")) + "\nfailed: " + string.Join("; ", Snapshot(failedRequests)) +
        "\nconsole: " + string.Join("; ", Snapshot(consoleErrors));

    private static void Add(List<string> list, string entry)
    {
        lock (list)
        {
            list.Add(entry);
        }
    }

    private static string[] Snapshot(List<string> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}
