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
/// </summary>
public sealed class GatewayStackFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan TurnTimeout = TimeSpan.FromMinutes(30);
    private static readonly string TurnFile = Path.Combine(Path.GetTempPath(), "agentcore-gateway-test-stack.lock");

    private FileStream? turn;

    public static readonly string[] Services =
        [ServiceNames.Identity, ServiceNames.Realtime, ServiceNames.Audit, ServiceNames.AgentRuntime, ServiceNames.Edge];

    private DistributedApplication? app;

    public DistributedApplication App => app ?? throw new InvalidOperationException("The stack has not started.");

    public async ValueTask InitializeAsync()
    {
        turn = await WaitForTurnAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=local", "--Infrastructure:Ephemeral=true", $"--Edge:Port={FreePort.Next()}", "--Observability:Prometheus=true"],
            timeout.Token);
        app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        foreach (var service in Services)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(service, timeout.Token);
        }
    }

    /// <summary>An HttpClient addressed to the Edge, the stack's only public endpoint.</summary>
    public HttpClient CreateEdgeClient() => App.CreateHttpClient(ServiceNames.Edge, "http");

    /// <summary>The Edge's address, for clients that bring their own connection (WebSocket, Server-Sent Events).</summary>
    public Uri EdgeAddress => App.GetEndpoint(ServiceNames.Edge, "http");

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

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        turn?.Dispose();
    }

    /// <summary>An exclusive lock on <see cref="TurnFile"/>, held for the stack's lifetime (FileShare.None is an flock on Linux).</summary>
    private static async Task<FileStream> WaitForTurnAsync()
    {
        var deadline = DateTime.UtcNow + TurnTimeout;
        while (true)
        {
            try
            {
                return new FileStream(TurnFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayStackGroup : ICollectionFixture<GatewayStackFixture>
{
    public const string Name = "gateway stack";
}
