using System.Net;
using AgentCore.Gateway.Audit.Tests.Infrastructure;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Audit.Tests.Ingestion;

/// <summary>In a class of its own: it stops its PostgreSQL, which no other test may share.</summary>
public sealed class DatabaseOutageTests(AuditInfrastructure infrastructure) : IClassFixture<AuditInfrastructure>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Events_produced_while_PostgreSQL_is_down_wait_in_the_stream_and_all_arrive_when_it_returns()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync());
        await service.StartAsync(cancellationToken);
        using var client = service.CreateClient();
        var redis = infrastructure.RedisClient.GetDatabase();
        var events = Enumerable.Range(0, 40).Select(_ => AuditEvents.Create()).ToList();
        foreach (var auditEvent in events.Take(10))
        {
            await AuditEvents.AppendAsync(redis, auditEvent);
        }

        await Eventually.ReachesAsync(ct => IngestionTests.CountAsync(service, "true", ct), count => count == 10, Patience, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken)).StatusCode);

        await infrastructure.Postgres.StopAsync();
        await Eventually.ReachesAsync(
            async ct => (await client.GetAsync(new Uri("/health", UriKind.Relative), ct)).StatusCode,
            status => status == HttpStatusCode.ServiceUnavailable,
            Patience,
            cancellationToken);
        foreach (var auditEvent in events.Skip(10))
        {
            await AuditEvents.AppendAsync(redis, auditEvent);
        }

        // Nothing is acknowledged while the database is away: every new entry is pending or not yet delivered.
        await Eventually.ReachesAsync(
            async _ => (await redis.StreamGroupInfoAsync(StreamNames.AuditEvents)).Single(),
            group => group.PendingMessageCount + (group.Lag ?? 0) == 30,
            Patience,
            cancellationToken);

        await infrastructure.Postgres.StartAgainAsync();
        await Eventually.ReachesAsync(ct => IngestionTests.CountAsync(service, "true", ct), count => count == 40, Patience, cancellationToken);
        foreach (var auditEvent in events)
        {
            Assert.Equal(1, await IngestionTests.CountAsync(service, $"id = '{auditEvent.Id}'", cancellationToken));
        }

        await Eventually.ReachesAsync(
            async ct => (await client.GetAsync(new Uri("/health", UriKind.Relative), ct)).StatusCode,
            status => status == HttpStatusCode.OK,
            Patience,
            cancellationToken);
    }
}
