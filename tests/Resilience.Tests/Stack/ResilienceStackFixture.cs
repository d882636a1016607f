extern alias apphost;

using System.Globalization;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.EndToEnd.Tests;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.Resilience.Tests.Stack;

/// <summary>
/// The real AppHost at two Edge replicas behind nginx (and the default two Realtime replicas), with tasks that finish in
/// about a second, so that a fault's effect on them shows within the fault. Faults are injected the way an operator or
/// a crash would: the orchestrator's stop and start commands, or signals to the processes it started.
/// </summary>
public sealed class ResilienceStackFixture : GatewayStackFixture
{
    public const string EdgeProxy = "edge-proxy";
    public const string SecondEdge = "edge-2";
    public const string SecondRealtime = "realtime-2";

    /// <summary>The snapshot property in which the orchestrator reports the process id of an executable.</summary>
    private const string ExecutablePidProperty = "executable.pid";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The base stack's arguments without Prometheus (nothing here reads it), with a second Edge.</summary>
    protected override string[] Arguments =>
        [.. base.Arguments.Where(argument => !argument.StartsWith("--Observability:", StringComparison.Ordinal)), "--Scale:Edge=2"];

    protected override string PublicResource => EdgeProxy;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            if (project.Name.StartsWith(ServiceNames.AgentRuntime, StringComparison.Ordinal))
            {
                AddEnvironment(project, "TaskWorker__StartDelay", "00:00:00.200");
                AddEnvironment(project, "TaskWorker__RunDuration", "00:00:01");
            }

            if (project.Name == ServiceNames.Identity)
            {
                // The load asks for a token every second or so, more than one client may in production.
                AddEnvironment(project, "Identity__TokenEndpoint__PermitsPerClient", "1000");
                AddEnvironment(project, "Identity__TokenEndpoint__PermitsPerAddress", "1000");
            }

            if (project.Name.StartsWith(ServiceNames.Realtime, StringComparison.Ordinal))
            {
                // Subscribers of a killed replica reconnect while their old leases still count for a minute.
                AddEnvironment(project, "Realtime__Limits__MaxConnectionsPerSubject", "500");
            }
        }
    }

    /// <summary>Every replica healthy, nginx running, and the Edges say the stack is healthy.</summary>
    protected override async Task WaitUntilStartedAsync(DistributedApplication started, CancellationToken cancellationToken)
    {
        foreach (var project in ProjectNames(started))
        {
            await started.ResourceNotifications.WaitForResourceHealthyAsync(project, cancellationToken);
        }

        await started.ResourceNotifications.WaitForResourceAsync(EdgeProxy, KnownResourceStates.Running, cancellationToken);
        await WaitForEdgeHealthAsync(status => status == "healthy", cancellationToken);
    }

    /// <summary>
    /// Waits until the whole stack is back (every replica healthy, the Edges say so, and Identity issues tokens, which
    /// it may refuse with 503 for a while after it reports healthy): each fault starts from it.
    /// </summary>
    public async Task UntilWholeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await WaitUntilStartedAsync(App, timeout.Token);
        using var edge = CreateEdgeClient();
        while (true)
        {
            using var response = await StackCredentials.RequestClientTokenAsync(edge, "agentcore-service", "dev-service-secret", GatewayScopes.AgentsRead);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), timeout.Token);
        }
    }

    /// <summary>
    /// Starts a resource again with the orchestrator's start command and waits until it is healthy. When it fails to
    /// start, its last log lines go to the test output (the reason is there), and the failure stands.
    /// </summary>
    public async Task RestartAsync(string resource, CancellationToken cancellationToken)
    {
        try
        {
            await StartResourceAsync(resource, cancellationToken);
        }
        catch (DistributedApplicationException)
        {
            foreach (var line in await RecentLogAsync(resource))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{resource}: {line}");
            }

            throw;
        }
    }

    /// <summary>The management address of one replica (probes and metrics).</summary>
    public Uri ManagementAddress(string replica) => App.GetEndpoint(replica, "management");

    /// <summary>The connection string of a database or Redis of the stack.</summary>
    public async Task<string> ConnectionStringAsync(string resource) =>
        await App.GetConnectionStringAsync(resource, TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException($"{resource} has no connection string.");

    /// <summary>
    /// Sends <paramref name="signal"/> to the process of <paramref name="resource"/> that does the work (for a project,
    /// the service itself rather than the <c>dotnet run</c> that started it) and waits until the orchestrator sees it gone;
    /// returns when it did. A request sent before then may have been in flight on the process when it died (signal
    /// delivery and the end of a process take a while on a loaded machine).
    /// </summary>
    public async Task<DateTimeOffset> SignalAsync(string resource, int signal, CancellationToken cancellationToken)
    {
        var started = ProcessId(resource);
        var target = ProjectNames(App).Contains(resource) ? Signals.ChildOf(started) : started;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var gone = App.ResourceNotifications.WaitForResourceAsync(
            resource,
            resourceEvent => resourceEvent.Snapshot.State?.Text is { } state && state != KnownResourceStates.Running && state != KnownResourceStates.Stopping,
            timeout.Token);
        var sent = DateTimeOffset.UtcNow;
        Signals.Send(target, signal);
        var final = await gone;
        var seenGone = DateTimeOffset.UtcNow;
        TestContext.Current.SendDiagnosticMessage(
            $"signal {signal} to {resource} (pid {target}) at {sent:HH:mm:ss.fff}: {final.Snapshot.State?.Text} at {seenGone:HH:mm:ss.fff}");
        return seenGone;
    }

    /// <summary>The gateway health (<c>GET /api/v1/health</c>) through the public endpoint, or null when it did not answer.</summary>
    public static async Task<GatewayHealth?> HealthAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync(new Uri("/api/v1/health", UriKind.Relative), TestContext.Current.CancellationToken);
            return await response.Content.ReadFromJsonAsync<GatewayHealth>(Json, TestContext.Current.CancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>A gauge of one Edge replica for one cluster, from its Prometheus exposition; null when not exported.</summary>
    public async Task<double?> EdgeGaugeAsync(string edge, string metric, string cluster)
    {
        using var client = new HttpClient { BaseAddress = ManagementAddress(edge), Timeout = TimeSpan.FromSeconds(10) };
        var exposition = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        var line = exposition.Split('\n').FirstOrDefault(candidate =>
            candidate.StartsWith(metric + "{", StringComparison.Ordinal) && candidate.Contains($"cluster=\"{cluster}\"", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The last lines the orchestrator kept of a resource's output.</summary>
    private async Task<List<string>> RecentLogAsync(string resource)
    {
        var lines = new List<string>();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(enough.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException)
        {
            // The backlog came first; nothing new is expected from a resource that failed to start.
        }

        return lines.TakeLast(40).ToList();
    }

    private int ProcessId(string resource)
    {
        if (!App.ResourceNotifications.TryGetCurrentState(resource, out var current)
            || current.Snapshot.Properties.FirstOrDefault(property => property.Name == ExecutablePidProperty)?.Value is not { } pid)
        {
            throw new InvalidOperationException($"The orchestrator reports no process for {resource}.");
        }

        return Convert.ToInt32(pid, CultureInfo.InvariantCulture);
    }

    private static HashSet<string> ProjectNames(DistributedApplication app) =>
        [.. app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>().Select(project => project.Name)];

    private static void AddEnvironment(ProjectResource resource, string name, string value) =>
        resource.Annotations.Add(new EnvironmentCallbackAnnotation(name, () => value));
}

/// <summary>The gateway health as a client reads it.</summary>
public sealed record GatewayHealth(string Status, IReadOnlyDictionary<string, ServiceState> Services)
{
    public string? StatusOf(string service) => Services.TryGetValue(service, out var state) ? state.Status : null;
}

public sealed record ServiceState(string Status);

[CollectionDefinition(Name)]
public sealed class ResilienceStackGroup : ICollectionFixture<ResilienceStackFixture>
{
    public const string Name = "resilience stack";
}
