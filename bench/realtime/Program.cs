using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AgentCore.Gateway.Bench.Realtime;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Events;
using AgentCore.Gateway.ServiceDefaults.Redis;
using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: dotnet run -c Release --project bench/realtime -- [idle connections] [subscribers] [burst events] [paced events] [paced events/s] [server|workstation GC]
var idleConnections = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var subscriberCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
var burstEvents = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
var pacedEvents = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 500;
var pacedRate = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 5;
var serverGc = args.Length <= 5 || args[5] != "workstation";
var realtimeAssembly = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../Gateway.Realtime/bin/Release/net10.0/AgentCore.Gateway.Realtime.dll"));

await using var redis = await RedisServer.StartAsync();
await using var tokens = await GatewayTokenServer.StartAsync();
using var realtime = await RealtimeProcess.StartAsync(realtimeAssembly, redis, tokens, new Dictionary<string, string>
{
    ["MAX_WEBSOCKET_CONNECTIONS"] = "19500",
    // Idle bench clients do not answer heartbeats; the queue is sized for bursts a 2-core box delivers late.
    ["Realtime__WebSockets__HeartbeatTimeout"] = "01:00:00",
    ["Realtime__WebSockets__SendQueueCapacity"] = "8192",
    ["DOTNET_gcServer"] = serverGc ? "1" : "0",
});
var token = tokens.CreateToken("bench-tenant", expires: DateTimeOffset.UtcNow.AddHours(2));
Console.WriteLine($"Realtime at {realtime.Address} ({(serverGc ? "server" : "workstation")} GC), redis at {redis.Port}");

// 1. Idle connections and memory per connection.
await Task.Delay(TimeSpan.FromSeconds(3));
var baseline = realtime.ResidentBytes();
var idle = new List<Subscriber>(idleConnections);
var connectClock = Stopwatch.StartNew();
for (var batch = 0; batch < idleConnections; batch += 100)
{
    var connecting = Enumerable.Range(0, Math.Min(100, idleConnections - batch)).Select(async _ =>
    {
        var subscriber = new Subscriber();
        await subscriber.ConnectAsync(realtime.Address, "idle-agent", token, subscribe: false);
        return subscriber;
    });
    idle.AddRange(await Task.WhenAll(connecting));
}

connectClock.Stop();
await Task.Delay(TimeSpan.FromSeconds(10));
var loaded = realtime.ResidentBytes();
Console.WriteLine($"idle: {idle.Count} connections open in {connectClock.Elapsed.TotalSeconds:F1} s; server RSS {baseline / 1048576.0:F0} MiB -> {loaded / 1048576.0:F0} MiB; {(loaded - baseline) / (double)idle.Count / 1024:F1} KiB per connection");
foreach (var subscriber in idle)
{
    subscriber.Abort();
    subscriber.Dispose();
}

idle.Clear();
await Task.Delay(TimeSpan.FromSeconds(5));

// 2. Throughput: burst to many subscribers of one agent.
var subscribers = new List<Subscriber>(subscriberCount);
for (var batch = 0; batch < subscriberCount; batch += 100)
{
    var connecting = Enumerable.Range(0, Math.Min(100, subscriberCount - batch)).Select(async _ =>
    {
        var subscriber = new Subscriber();
        await subscriber.ConnectAsync(realtime.Address, "bench-agent", token, subscribe: true);
        subscriber.StartReceiving();
        return subscriber;
    });
    subscribers.AddRange(await Task.WhenAll(connecting));
}

var producerBuilder = Host.CreateApplicationBuilder();
producerBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
producerBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
producerBuilder.AddGatewayRedis();
producerBuilder.AddAgentEventPublisher();
producerBuilder.Services.AddSingleton(TimeProvider.System);
using var producer = producerBuilder.Build();
var publisher = producer.Services.GetRequiredService<IAgentEventPublisher>();
Task<string> Publish() => publisher.PublishAsync(new AgentEvent(
    AgentEventTypes.TaskCompleted, "bench-agent", "bench-tenant", DateTimeOffset.UtcNow,
    JsonSerializer.SerializeToElement(new { sent = Stopwatch.GetTimestamp(), task_id = "bench" })));

var burstStart = Stopwatch.GetTimestamp();
for (var batch = 0; batch < burstEvents; batch += 50)
{
    await Task.WhenAll(Enumerable.Range(0, Math.Min(50, burstEvents - batch)).Select(_ => Publish()));
}

await WaitForAsync(subscribers, burstEvents);
var delivered = subscribers.Sum(subscriber => subscriber.Received);
var burstSeconds = Stopwatch.GetElapsedTime(burstStart, subscribers.Max(subscriber => subscriber.LastReceivedTimestamp)).TotalSeconds;
Console.WriteLine($"burst: {burstEvents} events x {subscribers.Count} subscribers: {delivered} delivered in {burstSeconds:F2} s = {delivered / burstSeconds:F0} events/s; " +
    $"latency under burst p50 {Percentile(subscribers, 0.50):F1} ms p99 {Percentile(subscribers, 0.99):F1} ms; cut off: {subscribers.Count(subscriber => subscriber.ClosedByServer)}");

// 3. Latency at a steady rate below the burst capacity, each event to every subscriber.
foreach (var subscriber in subscribers)
{
    subscriber.Reset();
}

for (var index = 0; index < pacedEvents; index++)
{
    await Publish();
    await Task.Delay(TimeSpan.FromSeconds(1.0 / pacedRate));
}

await WaitForAsync(subscribers, pacedEvents);
Console.WriteLine($"paced: {pacedEvents} events at {pacedRate}/s x {subscribers.Count} subscribers: {subscribers.Sum(subscriber => subscriber.Received)} delivered; " +
    $"publish->receive p50 {Percentile(subscribers, 0.50):F1} ms p99 {Percentile(subscribers, 0.99):F1} ms max {Percentile(subscribers, 1.0):F1} ms");

foreach (var subscriber in subscribers)
{
    subscriber.Abort();
    subscriber.Dispose();
}

static async Task WaitForAsync(List<Subscriber> subscribers, int expected)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromMinutes(3) && subscribers.Any(subscriber => !subscriber.ClosedByServer && subscriber.Received < expected))
    {
        await Task.Delay(100);
    }
}

static double Percentile(List<Subscriber> subscribers, double rank)
{
    var all = subscribers.SelectMany(subscriber => subscriber.LatenciesMilliseconds).Order().ToArray();
    return all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(rank * all.Length) - 1)];
}
