using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.ServiceDefaults.Tests;

public sealed class ServiceDefaultsPipelineTests
{
    [Fact]
    public async Task An_unhandled_exception_becomes_a_500_envelope_without_internals()
    {
        await using var host = await LoopbackHost.StartAsync(app =>
            app.MapGet("/boom", string () => throw new InvalidOperationException("secret internal detail")));

        using var response = await host.Client.GetAsync(new Uri("/boom", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(ErrorCodes.InternalError, error.GetProperty("code").GetString());
        Assert.Equal(Assert.Single(response.Headers.GetValues(GatewayHeaders.RequestId)), error.GetProperty("request_id").GetString());
        Assert.DoesNotContain("secret internal detail", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_method_gets_405_with_the_envelope()
    {
        await using var host = await LoopbackHost.StartAsync(app => app.MapGet("/only-get", () => "ok"));

        using var response = await host.Client.DeleteAsync(new Uri("/only-get", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.MethodNotAllowed, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_request_id_reaches_the_handler_and_the_response()
    {
        await using var host = await LoopbackHost.StartAsync(app =>
            app.MapGet("/id", (HttpContext context) => context.TraceIdentifier));
        var requestId = Guid.NewGuid().ToString("D");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/id");
        request.Headers.Add(GatewayHeaders.RequestId, requestId.ToUpperInvariant());

        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(requestId, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues(GatewayHeaders.RequestId)));
    }

    [Fact]
    public async Task Health_endpoints_answer_with_each_check()
    {
        await using var host = await LoopbackHost.StartAsync(_ => { });

        foreach (var path in new[] { "/health", "/ready", "/alive" })
        {
            using var response = await host.Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("healthy", body.GetProperty("status").GetString());
            Assert.Equal("healthy", body.GetProperty("checks").GetProperty("self").GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Metrics_are_exposed_for_prometheus()
    {
        await using var host = await LoopbackHost.StartAsync(app => app.MapGet("/hello", () => "hi"));
        await host.Client.GetStringAsync(new Uri("/hello", UriKind.Relative), TestContext.Current.CancellationToken);

        var metrics = await Eventually(async () => await host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.Contains("http_server_request_duration", metrics, StringComparison.Ordinal);
    }

    private static async Task<string> Eventually(Func<Task<string>> read)
    {
        // The Prometheus exporter caches a scrape briefly; the first scrape after a request may predate it.
        var text = await read();
        for (var attempt = 0; attempt < 20 && !text.Contains("http_server_request_duration", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250);
            text = await read();
        }

        return text;
    }
}
