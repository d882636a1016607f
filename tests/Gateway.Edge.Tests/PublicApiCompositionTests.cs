using System.Text.Json.Nodes;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// The Edge whose <c>agentruntime</c> cluster points at a loopback port where <see cref="PublicApiCompositionTests"/>
/// starts and stops a service of its own, and which fetches the services' documents every second.
/// </summary>
public sealed class ServiceDocumentEdgeFixture : EdgeFixture
{
    public int ServicePort { get; } = FreePort.Next();

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("ReverseProxy:Clusters:agentruntime:Destinations:primary:Address", $"http://127.0.0.1:{ServicePort}");
        web.UseSetting("PublicApi:RefreshInterval", "00:00:01");
    }
}

public sealed class PublicApiCompositionTests(ServiceDocumentEdgeFixture edge) : IClassFixture<ServiceDocumentEdgeFixture>
{
    private const string Snapshotted = "/api/v1/agents/{agentId}/tasks";
    private const string Widgets = "/api/v1/agents/{agentId}/widgets";

    [Fact]
    public async Task The_Edge_serves_the_snapshot_then_the_services_own_document_with_its_refusals_and_keeps_it_when_the_service_is_down()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = edge.CreateClient();
        Assert.NotNull((await DocumentAsync(client))["paths"]![Snapshotted]);

        JsonObject served;
        await using (var service = await StartServiceAsync(edge.ServicePort))
        {
            served = await WaitForAsync(client, document => document["paths"]![Widgets] is not null, cancellationToken);
        }

        Assert.Null(served["paths"]![Snapshotted]);
        Assert.DoesNotContain(served["paths"]!.AsObject(), path => path.Key.StartsWith("/ready", StringComparison.Ordinal) || path.Key.StartsWith("/health", StringComparison.Ordinal));
        var operation = served["paths"]![Widgets]!["get"]!;
        Assert.Equal(["200", "400", "401", "403", "404", "429", "502", "503", "504"], operation["responses"]!.AsObject().Select(response => response.Key));
        Assert.Equal("Not Found", (string?)operation["responses"]!["404"]!["description"]);
        Assert.Contains(operation["parameters"]!.AsArray(), parameter => (string?)parameter!["name"] == "X-Request-ID");
        Assert.NotEmpty(operation["security"]!.AsArray());

        // Several refresh intervals against a stopped service: the copy fetched last stays in the document.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        Assert.NotNull((await DocumentAsync(client))["paths"]![Widgets]);
    }

    /// <summary>
    /// A service of our own kind: its document made by the same <see cref="PublicApiExtensions"/> every service uses, with
    /// management endpoints beside the public one that must stay out of it.
    /// </summary>
    private static async Task<WebApplication> StartServiceAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.AddPublicApiDocument();
        var app = builder.Build();
        app.MapPublicApiDocument();
        app.MapGet("/health", () => TypedResults.Ok());
        app.MapGet("/ready/{need}", (string need) => TypedResults.Ok(need));
        app.MapGet(Widgets, (string agentId) => TypedResults.Ok(new[] { agentId }))
            .ProducesError(StatusCodes.Status404NotFound)
            .AsPublicApi("widgets");
        await app.StartAsync();
        return app;
    }

    private static async Task<JsonObject> WaitForAsync(HttpClient client, Func<JsonObject, bool> condition, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var document = await DocumentAsync(client);
            if (condition(document))
            {
                return document;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    private static async Task<JsonObject> DocumentAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/v1/openapi.json", TestContext.Current.CancellationToken))!;
}
