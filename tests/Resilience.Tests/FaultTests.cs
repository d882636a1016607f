using System.Diagnostics;
using System.Net;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.EndToEnd.Tests;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using AgentCore.Gateway.Resilience.Tests.Load;
using AgentCore.Gateway.Resilience.Tests.Stack;

namespace AgentCore.Gateway.Resilience.Tests;

/// <summary>
/// The faults of issue #14, each under steady load on the real stack (two Edges behind nginx, two Realtime replicas):
/// what must hold while a part is down and after it is back, with the counts and the time to recover printed for each.
/// Every test leaves the stack healthy, as it found it.
/// </summary>
[Collection(ResilienceStackGroup.Name)]
public sealed class FaultTests(ResilienceStackFixture stack)
{
    private static readonly ResilienceProfile Profile = ResilienceProfile.Current;

    [Fact]
    public async Task Redis_killed_and_restarted_10_s_later_loses_no_task_event_or_audit_record_and_task_creation_never_stops()
    {
        using var client = stack.CreateEdgeClient();
        await stack.UntilWholeAsync(TestContext.Current.CancellationToken);
        await using var load = await SteadyLoad.StartAsync(stack, Profile);
        await Task.Delay(Profile.SteadyBefore, TestContext.Current.CancellationToken);

        var outage = Stopwatch.StartNew();
        await stack.SignalAsync(ServiceNames.Redis, Signals.Kill, TestContext.Current.CancellationToken);
        var statuses = new List<string?>();
        while (outage.Elapsed < ResilienceProfile.RedisOutage)
        {
            statuses.Add((await ResilienceStackFixture.HealthAsync(client))?.Status);
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }

        var recovery = Stopwatch.StartNew();
        await stack.RestartAsync(ServiceNames.Redis, TestContext.Current.CancellationToken);
        await UntilAsync(async () => (await ResilienceStackFixture.HealthAsync(client))?.Status == "healthy", "the gateway health is healthy again");
        var (outageTime, recoveryTime) = (outage.Elapsed - recovery.Elapsed, recovery.Elapsed);

        var report = await FinishAsync(load, "redis-server killed, restarted after 10 s", outageTime, recoveryTime);
        Assert.Contains("degraded", statuses);
        AssertNothingLostOrDuplicated(report, load);
        Assert.All(load.Tasks, attempt => Assert.Equal(HttpStatusCode.Created, attempt.Status));
        await AssertAuditedOnceAsync(AuditEventTypes.TokenIssued, [.. load.Tokens.Where(attempt => attempt.Status == HttpStatusCode.OK).Select(attempt => attempt.RequestId)]);
    }

    [Fact]
    public async Task PostgreSQL_restarted_refuses_tasks_with_503_writes_none_half_and_audit_records_land_afterwards()
    {
        await stack.UntilWholeAsync(TestContext.Current.CancellationToken);
        await using var load = await SteadyLoad.StartAsync(stack, Profile);
        await Task.Delay(Profile.SteadyBefore, TestContext.Current.CancellationToken);

        var outage = Stopwatch.StartNew();
        await stack.SignalAsync(ServiceNames.Postgres, Signals.Interrupt, TestContext.Current.CancellationToken);
        var connectedWhileDown = await OpenEventStreamAsync(load.Token);
        await Task.Delay(Profile.Outage, TestContext.Current.CancellationToken);

        var recovery = Stopwatch.StartNew();
        await stack.RestartAsync(ServiceNames.Postgres, TestContext.Current.CancellationToken);
        await UntilAsync(async () => (await load.CreateTaskNowAsync()).Status == HttpStatusCode.Created
            && load.Tokens.Count > 0 && load.Tokens.Last().Status == HttpStatusCode.OK, "tasks are created and tokens issued again, without a restart");
        var (outageTime, recoveryTime) = (outage.Elapsed - recovery.Elapsed, recovery.Elapsed);

        var report = await FinishAsync(load, "PostgreSQL restarted (fast shutdown)", outageTime, recoveryTime);
        AssertNothingLostOrDuplicated(report, load);
        Assert.True(report.TasksRefused > 0, "Some task creation met the outage.");
        AssertRefusedWithEnvelope(load.Tasks.Where(attempt => attempt.Status != HttpStatusCode.Created));
        var stored = await StackDatabases.TasksOfRunAsync(stack, load.Run);
        Assert.Equal(report.TasksCreated, stored.Values.Sum());
        Assert.Equal(report.TasksCreated, stored.GetValueOrDefault("completed"));
        await AssertAuditedOnceAsync(AuditEventTypes.RealtimeConnected, [connectedWhileDown]);
    }

    [Fact]
    public async Task AgentRuntime_killed_is_503_with_retry_after_for_its_routes_only_and_the_breaker_opens_then_closes()
    {
        using var client = stack.CreateEdgeClient();
        await stack.UntilWholeAsync(TestContext.Current.CancellationToken);
        await using var load = await SteadyLoad.StartAsync(stack, Profile);
        await Task.Delay(Profile.SteadyBefore, TestContext.Current.CancellationToken);
        var reconnectsBefore = load.Subscribers.Sum(subscriber => subscriber.Reconnects);

        var outage = Stopwatch.StartNew();
        var seenGone = await stack.SignalAsync(ServiceNames.AgentRuntime, Signals.Kill, TestContext.Current.CancellationToken);
        var breakerOpened = false;
        var healthSawIt = false;
        while (outage.Elapsed < Profile.Outage || !(breakerOpened && healthSawIt))
        {
            breakerOpened |= await BreakerOpenAsync(ServiceNames.AgentRuntime);
            healthSawIt |= (await ResilienceStackFixture.HealthAsync(client))?.StatusOf(ServiceNames.AgentRuntime) == "unhealthy";
            Assert.True(outage.Elapsed < ResilienceProfile.RecoveryLimit, "The Edge never stopped sending to the killed AgentRuntime.");
            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        }

        var tokensDuringOutage = load.Tokens.ToList();
        var reconnectsDuringOutage = load.Subscribers.Sum(subscriber => subscriber.Reconnects) - reconnectsBefore;
        var recovery = Stopwatch.StartNew();
        await stack.RestartAsync(ServiceNames.AgentRuntime, TestContext.Current.CancellationToken);
        await UntilAsync(async () => !await BreakerOpenAsync(ServiceNames.AgentRuntime)
            && (await ResilienceStackFixture.HealthAsync(client))?.StatusOf(ServiceNames.AgentRuntime) == "healthy", "the breaker closes and the health shows the AgentRuntime healthy");
        var (outageTime, recoveryTime) = (outage.Elapsed - recovery.Elapsed, recovery.Elapsed);

        var report = await FinishAsync(load, "AgentRuntime killed (SIGKILL)", outageTime, recoveryTime);
        AssertNothingLostOrDuplicated(report, load);
        Assert.True(report.TasksRefused > 0, "Some task creation met the outage.");
        AssertRefusedWithEnvelope(load.Tasks.Where(attempt => attempt.Status != HttpStatusCode.Created), inFlightAt: seenGone);
        Assert.All(load.Tasks.Where(attempt => attempt.IsUnavailable), attempt => Assert.True(attempt.RetryAfter, "503 says when to retry."));
        Assert.All(tokensDuringOutage, attempt => Assert.Equal(HttpStatusCode.OK, attempt.Status));
        Assert.Equal(0, reconnectsDuringOutage);
        Assert.True(breakerOpened && healthSawIt);
    }

    [Fact]
    public async Task Identity_stopped_keeps_existing_tokens_working_and_refuses_token_requests_with_503()
    {
        await stack.UntilWholeAsync(TestContext.Current.CancellationToken);
        await using var load = await SteadyLoad.StartAsync(stack, Profile);
        await Task.Delay(Profile.SteadyBefore, TestContext.Current.CancellationToken);

        var outage = Stopwatch.StartNew();
        await stack.StopResourceAsync(ServiceNames.Identity, TestContext.Current.CancellationToken);
        await Task.Delay(Profile.Outage, TestContext.Current.CancellationToken);
        var refusedWhileDown = load.Tokens.Count(attempt => attempt.IsUnavailable);

        var recovery = Stopwatch.StartNew();
        await stack.RestartAsync(ServiceNames.Identity, TestContext.Current.CancellationToken);
        await UntilAsync(() => Task.FromResult(load.Tokens.Count > 0 && load.Tokens.Last().Status == HttpStatusCode.OK), "tokens are issued again");
        var (outageTime, recoveryTime) = (outage.Elapsed - recovery.Elapsed, recovery.Elapsed);

        var report = await FinishAsync(load, "Identity stopped", outageTime, recoveryTime);
        AssertNothingLostOrDuplicated(report, load);
        Assert.All(load.Tasks, attempt => Assert.Equal(HttpStatusCode.Created, attempt.Status));
        Assert.True(refusedWhileDown > 0, "Some token request met the outage.");
        AssertRefusedWithEnvelope(load.Tokens.Where(attempt => attempt.Status != HttpStatusCode.OK));
    }

    [Fact]
    public async Task One_Realtime_replica_killed_its_clients_resume_on_the_other_and_miss_nothing()
    {
        using var client = stack.CreateEdgeClient();
        await stack.UntilWholeAsync(TestContext.Current.CancellationToken);
        await using var load = await SteadyLoad.StartAsync(stack, Profile);
        await Task.Delay(Profile.SteadyBefore, TestContext.Current.CancellationToken);

        var outage = Stopwatch.StartNew();
        await stack.SignalAsync(ResilienceStackFixture.SecondRealtime, Signals.Kill, TestContext.Current.CancellationToken);
        await Task.Delay(Profile.Outage, TestContext.Current.CancellationToken);

        var recovery = Stopwatch.StartNew();
        await stack.RestartAsync(ResilienceStackFixture.SecondRealtime, TestContext.Current.CancellationToken);
        await UntilAsync(async () => (await ResilienceStackFixture.HealthAsync(client))?.Status == "healthy", "both Realtime replicas take traffic again");
        var (outageTime, recoveryTime) = (outage.Elapsed - recovery.Elapsed, recovery.Elapsed);

        var report = await FinishAsync(load, "one Realtime replica killed (SIGKILL)", outageTime, recoveryTime);
        AssertNothingLostOrDuplicated(report, load);
        Assert.True(report.Reconnects > 0, "Some subscriber was on the killed replica and had to resume elsewhere.");
        Assert.All(load.Tasks, attempt => Assert.Equal(HttpStatusCode.Created, attempt.Status));
    }

    [Fact]
    public async Task One_Edge_replica_killed_the_other_completes_its_requests_and_shared_limits_stay_within_5_percent()
    {
        using var client = stack.CreateEdgeClient();
        var apiKey = await StackCredentials.CreateApiKeyAsync(stack, "acme", GatewayScopes.AgentsRead);
        await stack.UntilWholeAsync(TestContext.Current.CancellationToken);
        await using var load = await SteadyLoad.StartAsync(stack, Profile);
        await Task.Delay(Profile.SteadyBefore, TestContext.Current.CancellationToken);

        // One caller's requests through both Edges at a pace under the burst limit, so only the per-minute quota
        // (1,000, counted in Redis and shared) refuses them.
        var limited = Task.Run(() => SendPacedAsync(apiKey, Profile.LimitRequests, perSecond: 50), TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var outage = Stopwatch.StartNew();
        var seenGone = await stack.SignalAsync(ResilienceStackFixture.SecondEdge, Signals.Kill, TestContext.Current.CancellationToken);
        await Task.Delay(Profile.Outage, TestContext.Current.CancellationToken);

        var recovery = Stopwatch.StartNew();
        await stack.RestartAsync(ResilienceStackFixture.SecondEdge, TestContext.Current.CancellationToken);
        var (outageTime, recoveryTime) = (outage.Elapsed - recovery.Elapsed, recovery.Elapsed);
        var answers = await limited;

        var report = await FinishAsync(load, "one Edge replica killed (SIGKILL), Scale:Edge=2", outageTime, recoveryTime);
        AssertNothingLostOrDuplicated(report, load);
        AssertRefusedWithEnvelope(load.Tasks.Where(attempt => attempt.Status != HttpStatusCode.Created));
        // Only a request in flight on the killed Edge may fail: once it is gone, nginx is refused by it and sends every
        // request, POSTs included, to the other.
        Assert.All(load.Tasks.Where(attempt => attempt.Status != HttpStatusCode.Created), attempt => Assert.True(
            attempt.At <= seenGone, $"{attempt.Status} at {attempt.At:HH:mm:ss.fff}, after the killed Edge was gone ({seenGone:HH:mm:ss.fff})."));
        var admitted = answers.Count(status => status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or null));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Shared quota of 1,000 per minute: {admitted} of {answers.Count} admitted across both Edges "
            + $"({string.Join(", ", answers.GroupBy(status => status).Select(group => $"{group.Key?.ToString() ?? "no answer"}: {group.Count()}"))}).");
        Assert.InRange(admitted, 950, 1_050);
        Assert.True(answers.Count(status => status is HttpStatusCode.ServiceUnavailable or null) <= 3, "Idempotent requests caught on the killed Edge are retried on the other by nginx.");
    }

    /// <summary>Stops the load, waits for every created task's event to reach every subscriber, and reports.</summary>
    private static async Task<FaultReport> FinishAsync(SteadyLoad load, string fault, TimeSpan outage, TimeSpan recovery)
    {
        await Task.Delay(Profile.SteadyAfter, TestContext.Current.CancellationToken);
        await load.StopSendingAsync();
        var delivery = await load.AwaitDeliveryAsync(ResilienceProfile.RecoveryLimit);
        var report = FaultReport.From(fault, load, outage, recovery, delivery);
        report.Write(load);
        return report;
    }

    private static void AssertNothingLostOrDuplicated(FaultReport report, SteadyLoad load)
    {
        Assert.True(report.TasksCreated > 0, "The load created tasks.");
        Assert.All(load.Subscribers, subscriber =>
        {
            Assert.Equal(0, subscriber.Duplicates);
            Assert.Equal(0, subscriber.Gaps);
            Assert.Equal(report.TasksCreated, subscriber.Received(load.CreatedTaskIds));
        });
    }

    /// <summary>
    /// Every refusal is 503 <c>SERVICE_UNAVAILABLE</c> with the envelope, except for a request that was already with the
    /// backend when it died (sent before <paramref name="inFlightAt"/>, when the orchestrator saw it gone): that one is 502 <c>BAD_GATEWAY</c>, since the
    /// backend may have acted on it and a retry is not known to be safe.
    /// </summary>
    private static void AssertRefusedWithEnvelope(IEnumerable<Attempt> refused, DateTimeOffset? inFlightAt = null) =>
        Assert.All(refused, attempt => Assert.True(
            attempt.IsUnavailable || (attempt.Status == HttpStatusCode.BadGateway && attempt.ErrorCode == ErrorCodes.BadGateway && attempt.At <= inFlightAt),
            $"{attempt.Status} {attempt.ErrorCode} at {attempt.At:HH:mm:ss.fff} is not 503 SERVICE_UNAVAILABLE with the envelope."));

    private async Task AssertAuditedOnceAsync(string type, IReadOnlyCollection<string> requestIds)
    {
        Assert.NotEmpty(requestIds);
        Dictionary<string, long> counts = [];
        await UntilAsync(async () =>
        {
            counts = await StackDatabases.AuditRecordsAsync(stack, type, requestIds);
            return counts.Values.All(count => count > 0);
        }, $"every {type} reaches the audit trail");
        Assert.All(counts, entry => Assert.True(entry.Value == 1, $"{entry.Key} is in the audit trail {entry.Value} times."));
    }

    /// <summary>True while some Edge sends the cluster nothing: its breaker is open, or no destination is left.</summary>
    private async Task<bool> BreakerOpenAsync(string cluster)
    {
        foreach (var edge in new[] { ServiceNames.Edge, ResilienceStackFixture.SecondEdge })
        {
            var open = await stack.EdgeGaugeAsync(edge, "gateway_edge_cluster_open_breakers", cluster);
            var available = await stack.EdgeGaugeAsync(edge, "gateway_edge_cluster_available_destinations", cluster);
            if (open > 0 || available == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Opens and closes an event stream with a request id of its own, for the audit record it leaves; returns the id.</summary>
    private async Task<string> OpenEventStreamAsync(string token)
    {
        var requestId = Guid.NewGuid().ToString();
        using var client = new HttpClient { BaseAddress = stack.EdgeAddress };
        client.DefaultRequestHeaders.Add(GatewayHeaders.RequestId, requestId);
        using var response = await SseStream.RequestAsync(client, $"?agent_id={SteadyLoad.Agent}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return requestId;
    }

    /// <summary>Reads a task that does not exist <paramref name="count"/> times with an API key, at a fixed pace; the statuses.</summary>
    private async Task<List<HttpStatusCode?>> SendPacedAsync(string apiKey, int count, int perSecond)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = stack.EdgeAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add(ApiKeys.Header, apiKey);
        var pace = Stopwatch.StartNew();
        var answers = new List<Task<HttpStatusCode?>>(count);
        for (var index = 0; index < count; index++)
        {
            var due = TimeSpan.FromSeconds((double)index / perSecond);
            if (due > pace.Elapsed)
            {
                await Task.Delay(due - pace.Elapsed, TestContext.Current.CancellationToken);
            }

            answers.Add(StatusOfAsync(client, $"/api/v1/agents/{SteadyLoad.Agent}/tasks/{Guid.NewGuid()}"));
        }

        return [.. await Task.WhenAll(answers)];
    }

    private static async Task<HttpStatusCode?> StatusOfAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            return response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var limit = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(limit.Elapsed < ResilienceProfile.RecoveryLimit, $"Not within {ResilienceProfile.RecoveryLimit}: {what}.");
            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }
    }
}
