using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using Npgsql;
using StackExchange.Redis;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// Event time to arrival through the whole path: tasks created through the Edge, the AgentRuntime's worker writing
/// their events to its outbox (the event's <c>timestamp</c> is taken there), the outbox relay woken on commit and
/// publishing to the agent-events stream, Realtime reading and fanning out, the Edge proxying the WebSocket or event
/// stream, and the subscriber. Real processes: redis-server, PostgreSQL, the AgentRuntime, Realtime and the Edge
/// (Release builds), with the loopback token server standing in for Identity.
/// </summary>
internal static class LatencyBench
{
    /// <summary>Every task makes three events: agent busy, task completed, agent idle.</summary>
    private const int EventsPerTask = 3;

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        var subscriberCount = arguments.Int("subscribers", 1_000);
        var agentCount = arguments.Int("agents", 100);
        var tenantCount = arguments.Int("tenants", 10);
        var rates = (arguments.Optional("rates") ?? "100,300,1000").Split(',').Select(rate => int.Parse(rate, CultureInfo.InvariantCulture)).ToArray();
        var seconds = arguments.Int("seconds", 30);
        var transport = arguments.Optional("transport") ?? "websocket";
        var warmupSeconds = arguments.Int("warmup-seconds", 30);

        var source = arguments.Optional("source") ?? "outbox";
        if (source is not ("outbox" or "stream"))
        {
            throw new ArgumentException($"Unknown source '{source}': outbox or stream.");
        }

        await using var redis = await RedisServer.StartAsync();
        await using var tokens = await GatewayTokenServer.StartAsync();
        var common = arguments.ServiceSettings(redis, tokens);
        var callers = BenchCallers.Create(tokens, tenantCount, subscriberCount / tenantCount, agentCount / tenantCount, GatewayScopes.EventsRead);

        // The outbox form runs the producer (PostgreSQL and the AgentRuntime) beside Realtime and the Edge; the stream
        // form writes the relay's appends itself, from the load core.
        await using var postgres = source == "outbox" ? await PostgresServer.StartAsync() : null;
        var agentsDatabase = postgres is null ? null : await postgres.CreateDatabaseAsync("agents");
        using var agentRuntime = agentsDatabase is null ? null : await ServiceProcess.StartAsync("agentruntime", arguments.Required("agentruntime"), With(common, new()
        {
            [$"ConnectionStrings__{ServiceNames.AgentsDatabase}"] = agentsDatabase,
            // Tasks start and finish as soon as the worker sees them: the bench measures the event path, not a simulated agent's pace.
            ["TaskWorker__StartDelay"] = "00:00:00",
            ["TaskWorker__RunDuration"] = "00:00:00",
        }));
        using var realtime = await ServiceProcess.StartAsync("realtime", arguments.Required("realtime"), common);
        using var edge = await ServiceProcess.StartAsync("edge", arguments.Required("edge"), With(common, EdgeSettings(realtime.Address, agentRuntime?.Address ?? realtime.Address)));
        CpuPinning.MoveSelfTo(0);

        var subscribersPerAgent = Math.Max(1, subscriberCount / agentCount);
        if (agentsDatabase is not null)
        {
            await RegisterAgentsAsync(agentsDatabase, callers);
        }

        using (var directory = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            await callers.RegisterAgentsAsync(directory);
        }

        var producers = Enumerable.Range(0, tenantCount).ToDictionary(
            tenant => $"bench-tenant-{tenant}",
            tenant => tokens.CreateClientToken($"bench-producer-{tenant}", GatewayScopes.AgentsWrite, $"bench-tenant-{tenant}"));
        await using var stream = source == "stream" ? await StreamEventSource.StartAsync(redis.ConnectionString, callers.Agents) : null;

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = TimeSpan.FromSeconds(30) };
        var subscribers = new List<EventClient>();
        foreach (var batch in callers.All.Chunk(50))
        {
            subscribers.AddRange(await Task.WhenAll(batch.Select(async caller =>
            {
                var client = EventClient.Create(transport, http);
                await client.ConnectAsync(edge.Address, caller);
                return client;
            })));
        }

        Console.Error.WriteLine($"{subscribers.Count} {transport} subscribers through the Edge on {callers.Agents.Count} agents ({subscribersPerAgent} per agent); {callers.Agents.Count} agents");

        // Warm-up at the lowest rate: connection pools, the worker's and relay's first rounds, and the JIT. Tiered
        // compilation moves hot code to optimized code only after it has run a while; a profile of a 10 s warm-up on a
        // busy core still found a quarter of the AgentRuntime's samples in the JIT or in unoptimized code.
        async Task<(int Events, int Errors)> Drive(int rate, TimeSpan duration)
        {
            if (stream is not null)
            {
                return await stream.DriveAsync(rate, duration);
            }

            var (tasks, errors) = await DriveAsync(http, edge.Address, callers.Agents, producers, rate, duration);
            return (tasks * EventsPerTask, errors);
        }

        await Drive(rates[0], TimeSpan.FromSeconds(warmupSeconds));
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var subscriber in subscribers)
        {
            subscriber.TakeLatencies(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        }

        var results = new List<Dictionary<string, object?>>();
        foreach (var rate in rates)
        {
            var cpu = (Edge: edge.CpuTime(), Realtime: realtime.CpuTime(), Runtime: agentRuntime?.CpuTime() ?? TimeSpan.Zero);
            var from = DateTimeOffset.UtcNow;
            var produced = await Drive(rate, TimeSpan.FromSeconds(seconds));
            var to = DateTimeOffset.UtcNow;
            await WaitForQuietAsync(subscribers);
            var latencies = subscribers.SelectMany(subscriber => subscriber.TakeLatencies(from, to)).Order().ToArray();
            var expected = (long)produced.Events * subscribersPerAgent;
            var cpuEdge = edge.CpuTime() - cpu.Edge;
            var cpuRealtime = realtime.CpuTime() - cpu.Realtime;
            var result = new Dictionary<string, object?>
            {
                ["rate"] = rate,
                ["events_per_second"] = Math.Round(produced.Events / (to - from).TotalSeconds, 1),
                ["deliveries_per_second"] = Math.Round(latencies.Length / (to - from).TotalSeconds, 0),
                ["delivered"] = latencies.Length,
                ["expected"] = expected,
                ["producer_errors"] = produced.Errors,
                ["p50_ms"] = Math.Round(Stats.Percentile(latencies, 0.50), 1),
                ["p95_ms"] = Math.Round(Stats.Percentile(latencies, 0.95), 1),
                ["p99_ms"] = Math.Round(Stats.Percentile(latencies, 0.99), 1),
                ["max_ms"] = Math.Round(Stats.Percentile(latencies, 1.0), 1),
                ["cpu_edge_s"] = Math.Round(cpuEdge.TotalSeconds, 2),
                ["cpu_realtime_s"] = Math.Round(cpuRealtime.TotalSeconds, 2),
                ["cpu_agentruntime_s"] = agentRuntime is null ? null : Math.Round((agentRuntime.CpuTime() - cpu.Runtime).TotalSeconds, 2),
                ["edge_us_per_event"] = PerEvent(cpuEdge, produced.Events),
                ["realtime_us_per_event"] = PerEvent(cpuRealtime, produced.Events),
                ["agentruntime_us_per_event"] = agentRuntime is null ? null : PerEvent(agentRuntime.CpuTime() - cpu.Runtime, produced.Events),
                ["subscribers_failed"] = subscribers.Count(subscriber => subscriber.Failed),
            };
            results.Add(result);
            Console.Error.WriteLine(JsonSerializer.Serialize(result));
        }

        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["source"] = source,
            ["transport"] = transport,
            ["subscribers"] = subscribers.Count,
            ["agents"] = callers.Agents.Count,
            ["subscribers_per_agent"] = subscribersPerAgent,
            ["seconds"] = seconds,
            ["steps"] = results,
        }));
        foreach (var subscriber in subscribers)
        {
            subscriber.Dispose();
        }

        return 0;
    }

    /// <summary>Creates tasks through the Edge at <paramref name="eventsPerSecond"/> / 3 per second, round-robin over the agents, on a fixed schedule.</summary>
    private static Task<(int Succeeded, int Failed)> DriveAsync(HttpClient http, Uri edge, IReadOnlyList<string> agents, Dictionary<string, string> producers, int eventsPerSecond, TimeSpan duration) =>
        FixedRateDriver.RunAsync(TimeSpan.FromSeconds(EventsPerTask / (double)eventsPerSecond), duration, index =>
        {
            var agent = agents[index % agents.Count];
            return CreateTaskAsync(http, edge, agent, producers[BenchCallers.TenantOf(agent)], index);
        });

    private static async Task CreateTaskAsync(HttpClient http, Uri edge, string agent, string token, int index)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(edge, $"/api/v1/agents/{agent}/tasks"))
        {
            Content = new StringContent($$$"""{"task_type":"bench","input_data":{"n":{{{index}}}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"task creation answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Waits until the events of the window have stopped arriving (2 s without any), at most 60 s.</summary>
    private static async Task WaitForQuietAsync(List<EventClient> subscribers)
    {
        var deadline = Stopwatch.StartNew();
        var last = subscribers.Sum(subscriber => subscriber.Arrivals);
        var quietSince = Stopwatch.StartNew();
        while (quietSince.Elapsed < TimeSpan.FromSeconds(2) && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
            var now = subscribers.Sum(subscriber => subscriber.Arrivals);
            if (now != last)
            {
                last = now;
                quietSince.Restart();
            }
        }
    }

    /// <summary>CPU microseconds per event produced (0 events: null).</summary>
    private static double? PerEvent(TimeSpan cpu, int events) => events == 0 ? null : Math.Round(cpu.TotalMicroseconds / events, 0);

    /// <summary>The agents in the AgentRuntime's own table, which it checks a task's agent against.</summary>
    private static async Task RegisterAgentsAsync(string agentsDatabase, BenchCallers callers)
    {
        await using var connection = new NpgsqlConnection(agentsDatabase);
        await connection.OpenAsync();
        foreach (var agent in callers.Agents)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO agents (id, tenant_id, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection)
            {
                Parameters = { new() { Value = agent }, new() { Value = BenchCallers.TenantOf(agent) }, new() { Value = agent } },
            };
            await insert.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// The Edge in front of this Realtime and AgentRuntime, with rate limits the bench never reaches (so they cost
    /// what they cost without refusing anything), as bench/edge/stack.sh runs it.
    /// </summary>
    private static Dictionary<string, string> EdgeSettings(Uri realtime, Uri agentRuntime)
    {
        // The clients speak plain HTTP to the Edge by its loopback address, not over TLS by the issuer's host name.
        var settings = new Dictionary<string, string> { ["AllowedHosts"] = "127.0.0.1", ["Edge__Tls__PlainHttp"] = "Serve" };
        foreach (var (cluster, address) in new[] { ("realtime", realtime), ("agentruntime", agentRuntime), ("identity", agentRuntime), ("audit", agentRuntime), ("agenttools", agentRuntime) })
        {
            settings[$"ReverseProxy__Clusters__{cluster}__Destinations__primary__Address"] = address.ToString();
            settings[$"ReverseProxy__Clusters__{cluster}__Destinations__primary__Health"] = address.ToString();
        }

        for (var limit = 0; limit < 3; limit++)
        {
            settings[$"RateLimiting__Policies__standard__Limits__{limit}__PermitLimit"] = "1000000000";
        }

        settings["RateLimiting__Policies__standard__Limits__0__TokensPerPeriod"] = "1000000000";

        return settings;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> common, Dictionary<string, string> specific)
    {
        var merged = new Dictionary<string, string>(common);
        foreach (var (key, value) in specific)
        {
            merged[key] = value;
        }

        return merged;
    }
}
