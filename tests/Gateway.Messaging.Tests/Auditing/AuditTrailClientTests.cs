using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Auditing;
using AgentCore.Gateway.Messaging.Tests.Infrastructure;
using AgentCore.Gateway.ServiceDefaults.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AgentCore.Gateway.Messaging.Tests.Auditing;

/// <summary>The shared producer client (<c>AddAuditTrail</c>) that Identity and Realtime use, against a Redis that goes away.</summary>
public sealed class AuditTrailClientTests(RedisInfrastructure infrastructure) : IClassFixture<RedisInfrastructure>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Events_recorded_during_a_Redis_outage_arrive_after_it_returns()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await infrastructure.ResetAsync();
        using var producer = await StartProducerAsync(bufferCapacity: 1_000, cancellationToken);
        var trail = producer.Services.GetRequiredService<IAuditTrail>();

        await infrastructure.Redis.StopAsync();
        var events = Enumerable.Range(0, 50).Select(_ => NewAuditEvent()).ToList();
        Assert.All(events, auditEvent => Assert.True(trail.Record(auditEvent)));
        await infrastructure.Redis.StartAgainAsync();

        var stored = await Eventually.ReachesAsync(_ => StreamEventIdsAsync(), ids => ids.Count == events.Count, Patience, cancellationToken);
        Assert.Equal(events.Select(auditEvent => auditEvent.Id).Order(), stored.Order());
        await producer.StopAsync(cancellationToken);
    }

    [Fact]
    public async Task When_the_buffer_overflows_every_dropped_event_is_counted_and_the_count_is_logged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await infrastructure.ResetAsync();
        using var producer = await StartProducerAsync(bufferCapacity: 5, cancellationToken);
        var trail = producer.Services.GetRequiredService<IAuditTrail>();
        using var droppedMetric = new MetricCollector<long>(
            producer.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "AgentCore.Gateway.AuditTrail", "audit_events_dropped");

        await infrastructure.Redis.StopAsync();
        var events = Enumerable.Range(0, 40).Select(_ => NewAuditEvent()).ToList();
        var accepted = events.Where(trail.Record).Select(auditEvent => auditEvent.Id).ToList();
        var droppedCount = events.Count - accepted.Count;
        Assert.InRange(droppedCount, 1, events.Count - 5);
        Assert.Equal(droppedCount, droppedMetric.GetMeasurementSnapshot().Sum(measurement => measurement.Value));
        var logs = producer.Services.GetRequiredService<FakeLogCollector>();
        await Eventually.ReachesAsync(
            _ => Task.FromResult(LoggedDropCount(logs)),
            logged => logged == droppedCount,
            Patience,
            cancellationToken);

        await infrastructure.Redis.StartAgainAsync();
        var stored = await Eventually.ReachesAsync(_ => StreamEventIdsAsync(), ids => ids.Count == accepted.Count, Patience, cancellationToken);
        Assert.Equal(accepted.Order(), stored.Order());
        await producer.StopAsync(cancellationToken);
    }

    private static AuditEvent NewAuditEvent() =>
        new(Guid.NewGuid(), DateTimeOffset.UtcNow, AuditEventTypes.TokenIssued, new AuditActor("client-a", null, "tenant-a"), "192.0.2.0/24",
            Guid.NewGuid().ToString("N"), "/connect/token", AuditOutcomes.Success, null, null);

    private static long LoggedDropCount(FakeLogCollector logs) =>
        logs.GetSnapshot()
            .Where(record => record.Level == LogLevel.Error && record.Message.StartsWith("Audit buffer full", StringComparison.Ordinal))
            .Sum(record => Convert.ToInt64(record.StructuredState!.Single(pair => pair.Key == "Count").Value, System.Globalization.CultureInfo.InvariantCulture));

    private async Task<IHost> StartProducerAsync(int bufferCapacity, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = infrastructure.Redis.ConnectionString,
            ["AuditTrail:BufferCapacity"] = bufferCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AuditTrail:BatchSize"] = "1",
            ["AuditTrail:RetryDelay"] = "00:00:00.200",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddLogging(logging => logging.AddFakeLogging());
        builder.AddGatewayRedis();
        builder.AddAuditTrail();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private async Task<List<Guid>> StreamEventIdsAsync()
    {
        StackExchange.Redis.StreamEntry[] entries;
        try
        {
            entries = await infrastructure.RedisClient.GetDatabase().StreamRangeAsync(StreamNames.AuditEvents);
        }
        catch (StackExchange.Redis.RedisConnectionException)
        {
            // The test's own connection may still be reconnecting after the restart.
            return [];
        }

        return entries
            .Select(entry => System.Text.Json.JsonSerializer.Deserialize<AuditEvent>((string)entry[StreamNames.PayloadField]!, System.Text.Json.JsonSerializerOptions.Web)!.Id)
            .Distinct()
            .ToList();
    }
}
