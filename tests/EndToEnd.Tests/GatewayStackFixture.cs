extern alias apphost;

using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// The real AppHost in <c>local</c> mode with a throw-away data directory, started once for the whole collection:
/// one start costs tens of seconds here, so tests share it and leave it as they found it. The Edge listens on a free
/// port (it is not behind the orchestrator's proxy, so it keeps the port it is given), and only one stack of the test
/// projects that start one runs at a time on this machine: a second waits for the first to be disposed. Prometheus runs
/// beside it (<c>Observability:Prometheus=true</c>), scraping every service and evaluating the alerting rules.
/// Subclasses change the arguments, the app model or what "started" means (other test projects link this file).
/// </summary>
public class GatewayStackFixture : IAsyncLifetime
{
    protected static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly int edgePort = FreePort.Next();

    public static readonly string[] Services =
        [ServiceNames.Identity, ServiceNames.Realtime, ServiceNames.Audit, ServiceNames.AgentRuntime, ServiceNames.Edge];

    private DistributedApplication? app;
    private GatewayStackLock? stackLock;

    public DistributedApplication App => app ?? throw new InvalidOperationException("The stack has not started.");

    /// <summary>The AppHost's command-line arguments. Default: local mode, ephemeral data.</summary>
    protected virtual string[] Arguments =>
        ["--Infrastructure:Mode=local", "--Infrastructure:Ephemeral=true", $"--Edge:Port={edgePort}", "--Observability:Prometheus=true"];

    public async ValueTask InitializeAsync()
    {
        // The https port (and the ports of anything started outside) are fixed, so stacks take turns instead of colliding.
        // The start timeout counts from here: waiting for another project's stack is not this stack starting slowly.
        stackLock = await GatewayStackLock.AcquireAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await PrepareAsync(timeout.Token);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<apphost::Projects.AppHost>(Arguments, timeout.Token);
        Configure(builder);
        app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        await WaitUntilStartedAsync(app, timeout.Token);
    }

    /// <summary>What must run before the AppHost is built (servers its arguments point at). Default: nothing.</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Changes to the app model before it is built. Default: none.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>
    /// When the stack counts as started. Default: every service healthy, and the Edge says so too. The Edge starts
    /// beside its backends, so its own probes may have seen them down and take a probe interval to see them up.
    /// </summary>
    protected virtual async Task WaitUntilStartedAsync(DistributedApplication started, CancellationToken cancellationToken)
    {
        foreach (var service in Services)
        {
            await started.ResourceNotifications.WaitForResourceHealthyAsync(service, cancellationToken);
        }

        await WaitForEdgeHealthAsync(status => status == "healthy", cancellationToken);
    }

    /// <summary>Polls the Edge's <c>/api/v1/health</c> until its <c>status</c> satisfies <paramref name="accept"/> (null while the Edge does not answer yet).</summary>
    protected async Task WaitForEdgeHealthAsync(Func<string?, bool> accept, CancellationToken cancellationToken)
    {
        using var edge = CreateEdgeClient();
        while (true)
        {
            string? status = null;
            try
            {
                using var response = await edge.GetAsync(new Uri("/api/v1/health", UriKind.Relative), cancellationToken);
                var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken);
                status = body.TryGetProperty("status", out var value) ? value.GetString() : null;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (status is not null && accept(status))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>
    /// The resource that holds the public endpoint: the Edge, or with several Edge replicas the nginx in front of them
    /// (<c>edge-proxy</c>).
    /// </summary>
    protected virtual string PublicResource => ServiceNames.Edge;

    /// <summary>An HttpClient addressed to the Edge, the stack's only public endpoint.</summary>
    public HttpClient CreateEdgeClient() => App.CreateHttpClient(PublicResource, "http");

    /// <summary>The Edge's address, for clients that bring their own connection (WebSocket, Server-Sent Events).</summary>
    public Uri EdgeAddress => App.GetEndpoint(PublicResource, "http");

    /// <summary>
    /// Stops a resource and waits until the orchestrator reports it stopped. The command's own answer is not
    /// waited on alone: it may report a failure while a graceful shutdown is still under way.
    /// </summary>
    public async Task StopResourceAsync(string resource, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var stopped = App.ResourceNotifications.WaitForResourceAsync(
            resource,
            resourceEvent => resourceEvent.Snapshot.State?.Text is { } state && state != KnownResourceStates.Running && state != KnownResourceStates.Stopping,
            timeout.Token);
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, timeout.Token);
        var final = await stopped;
        TestContext.Current.SendDiagnosticMessage($"stop {resource}: success={result.Success} message={result.Message} state={final.Snapshot.State?.Text}");
    }

    public async Task StartResourceAsync(string resource, CancellationToken cancellationToken)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        TestContext.Current.SendDiagnosticMessage($"start {resource}: success={result.Success} message={result.Message}");
        Assert.True(result.Success, $"Starting {resource} failed: {result.Message}");
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }

    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
        finally
        {
            stackLock?.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayStackGroup : ICollectionFixture<GatewayStackFixture>
{
    public const string Name = "gateway stack";
}
