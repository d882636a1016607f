using System.Text.Json;
using System.Text.RegularExpressions;
using AgentCore.Gateway.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentCore.Gateway.Browser.Tests;

/// <summary>The API portal at <c>/docs</c> in a real browser, through the Edge, with nothing fetched from elsewhere.</summary>
[Collection(BrowserStackGroup.Name)]
public sealed partial class PortalTests(BrowserStackFixture stack)
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    [Fact]
    public async Task The_portal_shows_every_operation_with_no_failed_request_no_console_error_and_nothing_from_elsewhere()
    {
        var operations = await OperationsAsync();
        await using var context = await stack.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var log = new PageLog(page);

        var response = await page.GotoAsync(new Uri(stack.PublicAddress, "/docs").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "AgentCore Gateway API" }).First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // The sidebar lists every operation of a tag once its group is open; the content renders lazily on scroll.
        var groups = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Open Group - ") });
        while (await groups.CountAsync() > 0)
        {
            await groups.First.ClickAsync();
        }

        var sidebar = Whitespace().Replace(await page.Locator("aside").First.InnerTextAsync(), " ");
        Assert.All(operations, operation => Assert.Contains(operation, sidebar, StringComparison.Ordinal));
        var policy = (await response!.AllHeadersAsync())["content-security-policy"];
        Assert.Contains("script-src 'self' 'nonce-", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        var origin = stack.PublicAddress.GetLeftPart(UriPartial.Authority);
        Assert.Contains(log.Responses, r => r.Url == origin + "/api/v1/openapi.json" && r.Status == 200);
        Assert.All(log.Responses, r => Assert.StartsWith(origin + "/", r.Url, StringComparison.Ordinal));
        log.AssertClean();
    }

    [Fact]
    public async Task A_developer_authorizes_with_client_credentials_and_tries_an_operation_through_the_edge()
    {
        await using var context = await stack.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var log = new PageLog(page);
        await page.GotoAsync(new Uri(stack.PublicAddress, "/docs/").ToString());
        try
        {
            await page.GetByLabel("Client ID").First.FillAsync("agentcore-admin");
            await page.GetByLabel("Client Secret").First.FillAsync("dev-admin-secret");
            await page.GetByText("Scopes Selected").First.ClickAsync();
            await page.GetByLabel("Select audit.read scope").CheckAsync(new() { Force = true });
            var token = await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { Name = "Authorize", Exact = true }).First.ClickAsync(),
                response => response.Request.Method == "POST" && new Uri(response.Url).AbsolutePath == "/api/v1/auth/token");
            Assert.Equal(200, token.Status);

            await page.GetByRole(AriaRole.Button, new() { Name = "Open Group - audit" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Query audit events" }).First.ClickAsync();
            // The link scrolls the operation to the top: its own "Test Request" is the one now on screen.
            await page.WaitForTimeoutAsync(500);
            var testRequest = await OnScreenAsync(page, page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Test Request") }));
            await testRequest.ClickAsync();
            var tried = await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Send") }).First.ClickAsync(),
                response => response.Request.Method == "GET" && new Uri(response.Url).AbsolutePath == "/api/v1/audit/events");

            Assert.Equal(200, tried.Status);
            Assert.StartsWith("Bearer ", (await tried.Request.AllHeadersAsync())["authorization"], StringComparison.Ordinal);
            log.AssertClean();
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "portal-try-it.png") });
            TestContext.Current.SendDiagnosticMessage(log.ToString());
            throw;
        }
    }

    private static async Task<ILocator> OnScreenAsync(IPage page, ILocator candidates)
    {
        var height = page.ViewportSize!.Height;
        foreach (var candidate in await candidates.AllAsync())
        {
            if (await candidate.BoundingBoxAsync() is { } box && box.Y >= 0 && box.Y + box.Height <= height)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No such element is on screen.");
    }

    /// <summary>Every operation of the served document as the portal's sidebar names it: by its summary.</summary>
    private async Task<IReadOnlyList<string>> OperationsAsync()
    {
        using var client = new HttpClient { BaseAddress = stack.PublicAddress };
        var document = await client.GetFromJsonAsync<JsonElement>("/api/v1/openapi.json", TestContext.Current.CancellationToken);
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => Methods.Contains(operation.Name))
                .Select(operation => operation.Value.GetProperty("summary").GetString()!))
            .ToList();
        Assert.True(operations.Count >= 8, "The document lists fewer operations than the public API has: " + string.Join(", ", operations));
        return operations;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
