using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using StackExchange.Redis;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// Idle authenticated WebSockets on one Realtime instance with its defaults (heartbeats every 30 s, 60 s timeout, the
/// 10,000 connection cap, the per-subject and per-tenant quotas): memory per connection, handshake latency, and the
/// polite refusal past the cap.
/// </summary>
internal static class IdleBench
{
    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        var realtimeAssembly = arguments.Required("realtime");
        var connections = arguments.Int("connections", 10_000);
        var concurrency = arguments.Int("concurrency", 50);
        var connectRate = arguments.Int("connect-rate", 0);
        var settle = TimeSpan.FromSeconds(arguments.Int("settle-seconds", 45));
        var dumps = arguments.Optional("gcdump-dir");

        await using var redis = await RedisServer.StartAsync();
        await using var tokens = await GatewayTokenServer.StartAsync();
        var environment = arguments.ServiceSettings(redis, tokens);
        using var realtime = await ServiceProcess.StartAsync("realtime", realtimeAssembly, environment);
        CpuPinning.MoveSelfTo(0);

        // 10 connections per subject and at most 1,000 per tenant: within the default quotas (10 and 2,000).
        var tenants = Math.Max(1, (connections + 999) / 1_000);
        var callers = BenchCallers.Create(tokens, tenants, subjectsPerTenant: 100, agentsPerTenant: 10, GatewayScopes.EventsRead);
        using (var producer = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            await callers.RegisterAgentsAsync(producer);
        }

        // Warm up: JIT and first-use costs (the JWKS download, the directory lookups), then let the process settle.
        var warm = await OpenAsync(realtime.Address, callers, 0, 200, concurrency, connectRate: 0);
        CloseAll(warm.Clients);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var heapBefore = dumps is null ? null : await GcDump.CollectAsync(realtime.Id, Path.Combine(dumps, "before.gcdump"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssBefore = realtime.ResidentBytes();
        SaveMemoryMap(realtime, dumps, "before.smaps");
        var cpuBefore = realtime.CpuTime();

        // In two halves, each followed by the settle time (heartbeats answered): the growth between the two is what one
        // more connection costs, without the one-off costs of the first thousands (code tiering up, thread pool threads,
        // the GC's budgets) that the growth from the start also divides among the connections.
        var firstHalf = await OpenAsync(realtime.Address, callers, 0, connections / 2, concurrency, connectRate);
        var cpuFirstHalf = realtime.CpuTime() - cpuBefore;
        await Task.Delay(settle);
        var rssHalf = realtime.ResidentBytes();
        var openHalf = firstHalf.Clients.Count(client => client.IsOpen);
        var cpuSecondHalfStart = realtime.CpuTime();
        var secondHalf = await OpenAsync(realtime.Address, callers, connections / 2, connections, concurrency, connectRate);
        var cpuHandshakes = cpuFirstHalf + (realtime.CpuTime() - cpuSecondHalfStart);
        (List<IdleClient> Clients, List<double> Handshakes, TimeSpan Elapsed) opened =
            ([.. firstHalf.Clients, .. secondHalf.Clients], [.. firstHalf.Handshakes, .. secondHalf.Handshakes], firstHalf.Elapsed + secondHalf.Elapsed);
        var handshakes = opened.Handshakes.Order().ToArray();
        var lateHandshakes = secondHalf.Handshakes.Order().ToArray();
        var refusal = await TryOneMoreAsync(realtime.Address, tokens, callers);

        await Task.Delay(settle);
        var rssAfter = realtime.ResidentBytes();
        SaveMemoryMap(realtime, dumps, "after.smaps");
        var open = opened.Clients.Count(client => client.IsOpen);
        var heartbeats = opened.Clients.Sum(client => client.Heartbeats);
        var closedByServer = opened.Clients.Where(client => client.ClosedWith is not null).GroupBy(client => client.ClosedWith).ToDictionary(group => group.Key!.ToString()!, group => group.Count());
        var heapAfter = dumps is null ? null : await GcDump.CollectAsync(realtime.Id, Path.Combine(dumps, "after.gcdump"));

        var result = new Dictionary<string, object?>
        {
            ["connections"] = opened.Clients.Count,
            ["open_after_settle"] = open,
            ["closed_by_server"] = closedByServer,
            ["heartbeats_answered"] = heartbeats,
            ["concurrency"] = concurrency,
            ["connect_rate"] = connectRate,
            ["achieved_connect_rate"] = Math.Round(opened.Clients.Count / opened.Elapsed.TotalSeconds),
            ["rss_before_mib"] = Math.Round(rssBefore / 1048576.0, 1),
            ["rss_after_mib"] = Math.Round(rssAfter / 1048576.0, 1),
            ["rss_kib_per_connection"] = Math.Round((rssAfter - rssBefore) / 1024.0 / open, 2),
            ["rss_half_mib"] = Math.Round(rssHalf / 1048576.0, 1),
            ["rss_kib_per_connection_marginal"] = Math.Round((rssAfter - rssHalf) / 1024.0 / (open - openHalf), 2),
            ["heap_kib_per_connection"] = heapBefore is null || heapAfter is null ? null : Math.Round((heapAfter.TotalBytes - heapBefore.TotalBytes) / 1024.0 / open, 2),
            ["handshake_p50_ms"] = Math.Round(Stats.Percentile(handshakes, 0.50), 1),
            ["handshake_p95_ms"] = Math.Round(Stats.Percentile(handshakes, 0.95), 1),
            ["handshake_p99_ms"] = Math.Round(Stats.Percentile(handshakes, 0.99), 1),
            ["handshake_max_ms"] = Math.Round(Stats.Percentile(handshakes, 1.0), 1),
            ["handshake_second_half_p50_ms"] = Math.Round(Stats.Percentile(lateHandshakes, 0.50), 1),
            ["handshake_second_half_p95_ms"] = Math.Round(Stats.Percentile(lateHandshakes, 0.95), 1),
            ["open_seconds"] = Math.Round(opened.Elapsed.TotalSeconds, 1),
            ["server_cpu_ms_per_handshake"] = Math.Round(cpuHandshakes.TotalMilliseconds / opened.Clients.Count, 3),
            ["beyond_cap"] = refusal,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        if (heapBefore is not null && heapAfter is not null)
        {
            PrintGrowth(heapBefore, heapAfter, open);
        }

        CloseAll(opened.Clients);
        return 0;
    }

    /// <summary>
    /// Opens connections <paramref name="from"/> to <paramref name="to"/> (excluded) with at most <paramref name="concurrency"/> handshakes in flight: as fast
    /// as that allows when <paramref name="connectRate"/> is 0 (a burst: each handshake also waits for the ones queued before
    /// it), otherwise starting one every 1/<paramref name="connectRate"/> s. A handshake is timed from its own start.
    /// </summary>
    private static async Task<(List<IdleClient> Clients, List<double> Handshakes, TimeSpan Elapsed)> OpenAsync(
        Uri realtime, BenchCallers callers, int from, int to, int concurrency, int connectRate)
    {
        var count = to - from;
        var clients = new IdleClient[count];
        var handshakes = new double[count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                if (connectRate > 0 && TimeSpan.FromSeconds((double)index / connectRate) - clock.Elapsed is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait);
                }

                // Connection i (counted over both halves) belongs to subject i / 10: every subject holds 10, its quota.
                var caller = callers.All[(from + index) / 10 % callers.All.Count];
                var client = new IdleClient();
                handshakes[index] = (await client.ConnectAsync(realtime, caller)).TotalMilliseconds;
                clients[index] = client;
            }
        }));
        return ([.. clients], [.. handshakes], clock.Elapsed);
    }

    /// <summary>One handshake past the cap, by a subject and tenant with quota to spare: the instance must refuse it with 503.</summary>
    private static async Task<Dictionary<string, object?>> TryOneMoreAsync(Uri realtime, GatewayTokenServer tokens, BenchCallers callers)
    {
        var first = callers.All[0];
        var payload = GatewayTokenServer.Payload(first.TenantId, GatewayScopes.EventsRead, DateTimeOffset.UtcNow.AddHours(1));
        payload[GatewayClaims.Subject] = "bench-one-more";
        var caller = first with { Subject = "bench-one-more", Token = tokens.Sign(GatewayTokenServer.Header(), payload) };
        using var client = new IdleClient();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await client.ConnectAsync(realtime, caller);
            return new() { ["status"] = 101, ["refused"] = false };
        }
        catch (WebSocketException)
        {
            var (status, headers) = client.Response;
            return new()
            {
                ["status"] = (int)status,
                ["refused"] = status == HttpStatusCode.ServiceUnavailable,
                ["retry_after"] = headers?.GetValueOrDefault("Retry-After")?.FirstOrDefault(),
                ["ms"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1),
            };
        }
    }

    /// <summary>The process's memory map with resident sizes, to see which mappings grew (the GC heap, or native memory).</summary>
    private static void SaveMemoryMap(ServiceProcess process, string? directory, string name)
    {
        if (directory is not null)
        {
            File.Copy($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/smaps", Path.Combine(directory, name), overwrite: true);
        }
    }

    private static void CloseAll(IEnumerable<IdleClient> clients)
    {
        foreach (var client in clients)
        {
            client.Abort();
            client.Dispose();
        }
    }

    private static void PrintGrowth(GcDumpReport before, GcDumpReport after, int connections)
    {
        var was = before.Types.ToDictionary(type => type.Type, type => (type.Bytes, type.Count));
        Console.Error.WriteLine($"managed heap growth by type, per connection ({connections} connections):");
        foreach (var (bytes, count, type) in after.Types
            .Select(type => (Bytes: type.Bytes - was.GetValueOrDefault(type.Type).Bytes, Count: type.Count - was.GetValueOrDefault(type.Type).Count, type.Type))
            .OrderByDescending(type => type.Bytes)
            .Take(60))
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / (double)connections,8:F1} B  {count / (double)connections,6:F2} objects  {type}"));
        }
    }
}
