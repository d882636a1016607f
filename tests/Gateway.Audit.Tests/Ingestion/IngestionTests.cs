using AgentCore.Gateway.Audit.Tests.Infrastructure;
using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Gateway.Audit.Tests.Ingestion;

public sealed class IngestionTests(AuditInfrastructure infrastructure) : IClassFixture<AuditInfrastructure>
{
    private const string Group = "gateway-audit";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private IDatabase Redis => infrastructure.RedisClient.GetDatabase();

    [Fact]
    public async Task The_same_event_delivered_twice_is_stored_once()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync());
        await service.StartAsync(cancellationToken);
        var auditEvent = AuditEvents.Create();

        await AuditEvents.AppendAsync(Redis, auditEvent);
        await AuditEvents.AppendAsync(Redis, auditEvent);
        await WaitUntilAllAcknowledgedAsync(expectedEntries: 2, cancellationToken);
        await AuditEvents.AppendAsync(Redis, auditEvent);
        await WaitUntilAllAcknowledgedAsync(expectedEntries: 3, cancellationToken);

        Assert.Equal(1, await CountAsync(service, $"id = '{auditEvent.Id}'", cancellationToken));
        Assert.Equal(1, await CountAsync(service, "true", cancellationToken));
    }

    [Fact]
    public async Task Entries_left_pending_by_a_dead_consumer_are_claimed_without_loss_or_duplicates()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var database = await infrastructure.ResetAsync();
        await using (var first = new AuditService(infrastructure, database))
        {
            // Migrates the schema and creates the group, then goes away.
            await first.StartAsync(cancellationToken);
            await Eventually.ReachesAsync(_ => GroupExistsAsync(), exists => exists, Patience, cancellationToken);
        }

        var events = Enumerable.Range(0, 20).Select(_ => AuditEvents.Create()).ToList();
        foreach (var auditEvent in events)
        {
            await AuditEvents.AppendAsync(Redis, auditEvent);
        }

        // A consumer reads half the stream and dies: for five of them it had committed, for none had it acknowledged.
        var taken = await Redis.StreamReadGroupAsync(StreamNames.AuditEvents, Group, "dead-consumer", StreamPosition.NewMessages, 10);
        Assert.Equal(10, taken.Length);
        var committedBeforeDeath = events.Take(5).ToList();
        foreach (var auditEvent in committedBeforeDeath)
        {
            await AuditInfrastructure.ScalarAsync(
                database,
                $"INSERT INTO audit_events (id, timestamp, type, outcome, reason, ingested_at) VALUES ('{auditEvent.Id}', now(), '{auditEvent.Type}', 'success', 'committed-before-death', now())",
                cancellationToken);
        }

        await using var survivor = new AuditService(infrastructure, database, new Dictionary<string, string?>
        {
            ["AuditIngestion:ClaimIdleTime"] = "00:00:01",
        });
        await survivor.StartAsync(cancellationToken);

        await WaitUntilAllAcknowledgedAsync(expectedEntries: 20, cancellationToken);
        await Eventually.ReachesAsync(ct => CountAsync(survivor, "true", ct), count => count == 20, Patience, cancellationToken);
        foreach (var auditEvent in events)
        {
            Assert.Equal(1, await CountAsync(survivor, $"id = '{auditEvent.Id}'", cancellationToken));
        }

        Assert.Equal(5, await CountAsync(survivor, "reason = 'committed-before-death'", cancellationToken));
        var deadConsumer = (await Redis.StreamConsumerInfoAsync(StreamNames.AuditEvents, Group)).Single(consumer => consumer.Name == "dead-consumer");
        Assert.Equal(0, deadConsumer.PendingMessageCount);
    }

    [Fact]
    public async Task Unreadable_entries_are_dead_lettered_and_do_not_block_the_stream()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync());
        await service.StartAsync(cancellationToken);

        var notJson = await AuditEvents.AppendRawAsync(Redis, AuditEventTypes.TokenIssued, "{not json");
        var noPayload = await AuditEvents.AppendRawAsync(Redis, AuditEventTypes.TokenIssued, null);
        var noId = await AuditEvents.AppendRawAsync(Redis, AuditEventTypes.TokenIssued, """{"type":"auth.token_issued","outcome":"success","actor":{}}""");
        var valid = AuditEvents.Create();
        await AuditEvents.AppendAsync(Redis, valid);

        await WaitUntilAllAcknowledgedAsync(expectedEntries: 4, cancellationToken);
        Assert.Equal(1, await CountAsync(service, $"id = '{valid.Id}'", cancellationToken));
        foreach (var entryId in new[] { notJson, noPayload, noId })
        {
            Assert.Equal(1, await AuditInfrastructure.ScalarAsync(
                service.DatabaseConnectionString,
                $"SELECT count(*) FROM audit_dead_letters WHERE stream_entry_id = '{entryId}'",
                cancellationToken));
        }
    }

    [Fact]
    public async Task Text_PostgreSQL_cannot_hold_is_cleaned_or_dead_lettered_instead_of_blocking_the_stream()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync());
        await service.StartAsync(cancellationToken);
        var withNul = Guid.NewGuid();
        var timestamp = DateTimeOffset.UtcNow.ToString("O");

        // JSON escapes a producer could forward from a hostile client: NUL (valid JSON, invalid in PostgreSQL text)
        // and a lone surrogate (invalid UTF-16).
        await AuditEvents.AppendRawAsync(Redis, AuditEventTypes.TokenFailed, $$$"""
            {"id":"{{{withNul}}}","timestamp":"{{{timestamp}}}","type":"auth.token_failed","outcome":"failure",
             "actor":{"client_id":"evil\u0000client"},"details":{"note\u0000":"x\u0000y"}}
            """);
        var loneSurrogate = await AuditEvents.AppendRawAsync(Redis, AuditEventTypes.TokenFailed, $$$"""
            {"id":"{{{Guid.NewGuid()}}}","timestamp":"{{{timestamp}}}","type":"auth.token_failed","outcome":"failure",
             "actor":{"client_id":"evil\ud800"}}
            """);
        var after = AuditEvents.Create();
        await AuditEvents.AppendAsync(Redis, after);

        await WaitUntilAllAcknowledgedAsync(expectedEntries: 3, cancellationToken);
        Assert.Equal(1, await CountAsync(service, $"id = '{withNul}' AND client_id = 'evilclient' AND details->>'note' = 'xy'", cancellationToken));
        Assert.Equal(1, await CountAsync(service, $"id = '{after.Id}'", cancellationToken));
        Assert.Equal(1, await AuditInfrastructure.ScalarAsync(
            service.DatabaseConnectionString, $"SELECT count(*) FROM audit_dead_letters WHERE stream_entry_id = '{loneSurrogate}'", cancellationToken));
    }

    [Fact]
    public async Task An_event_PostgreSQL_refuses_for_its_content_is_dead_lettered_and_the_rest_of_its_batch_is_stored()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync());
        await service.StartAsync(cancellationToken);
        var first = AuditEvents.Create();
        await AuditEvents.AppendAsync(Redis, first);
        await Eventually.ReachesAsync(ct => CountAsync(service, "true", ct), count => count == 1, Patience, cancellationToken);

        // Stands for any refusal the redactor cannot foresee: a constraint the data breaks, the same on every retry.
        await AuditInfrastructure.ScalarAsync(
            service.DatabaseConnectionString, "ALTER TABLE audit_events ADD CONSTRAINT refuses_poison CHECK (reason IS DISTINCT FROM 'poison')", cancellationToken);

        var events = Enumerable.Range(0, 9).Select(index => AuditEvents.Create(reason: index == 4 ? "poison" : "fine")).ToList();
        var poisonEntry = RedisValue.Null;
        foreach (var auditEvent in events)
        {
            var entry = await AuditEvents.AppendAsync(Redis, auditEvent);
            poisonEntry = auditEvent.Reason == "poison" ? entry : poisonEntry;
        }

        await WaitUntilAllAcknowledgedAsync(expectedEntries: 10, cancellationToken);
        Assert.Equal(8, await CountAsync(service, "reason = 'fine'", cancellationToken));
        Assert.Equal(0, await CountAsync(service, "reason = 'poison'", cancellationToken));
        Assert.Equal(1, await AuditInfrastructure.ScalarAsync(
            service.DatabaseConnectionString,
            $"SELECT count(*) FROM audit_dead_letters WHERE stream_entry_id = '{poisonEntry}' AND error LIKE 'PostgreSQL refused it: 23514%'",
            cancellationToken));
    }

    [Fact]
    public async Task Events_recorded_while_Redis_restarts_are_stored_once_it_is_back()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync());
        await service.StartAsync(cancellationToken);
        var before = AuditEvents.Create();
        await AuditEvents.AppendAsync(Redis, before);
        await Eventually.ReachesAsync(ct => CountAsync(service, "true", ct), count => count == 1, Patience, cancellationToken);

        // Restarted without persistence: the stream and the group are gone, and the consumer must recreate them.
        await infrastructure.Redis.StopAsync();
        await infrastructure.Redis.StartAgainAsync();
        var after = AuditEvents.Create();
        await Eventually.ReachesAsync(
            async _ =>
            {
                try
                {
                    await AuditEvents.AppendAsync(Redis, after);
                    return true;
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            },
            appended => appended,
            Patience,
            cancellationToken);

        await Eventually.ReachesAsync(ct => CountAsync(service, $"id = '{after.Id}'", ct), count => count == 1, Patience, cancellationToken);
    }

    private async Task<bool> GroupExistsAsync() =>
        await Redis.KeyExistsAsync(StreamNames.AuditEvents)
        && (await Redis.StreamGroupInfoAsync(StreamNames.AuditEvents)).Any(group => group.Name == Group);

    /// <summary>Waits until the group has been handed every entry and has acknowledged all of them.</summary>
    private async Task WaitUntilAllAcknowledgedAsync(int expectedEntries, CancellationToken cancellationToken) =>
        await Eventually.ReachesAsync(
            async _ =>
            {
                // The service may not have created its group yet; until it has, nothing counts as read.
                var group = (await Redis.StreamGroupInfoAsync(StreamNames.AuditEvents)).SingleOrDefault(candidate => candidate.Name == Group);
                return (Read: group.EntriesRead, group.Lag, Pending: group.PendingMessageCount);
            },
            state => state.Read >= expectedEntries && state.Lag == 0 && state.Pending == 0,
            Patience,
            cancellationToken);

    internal static Task<long> CountAsync(AuditService service, string condition, CancellationToken cancellationToken) =>
        AuditInfrastructure.ScalarAsync(service.DatabaseConnectionString, $"SELECT count(*) FROM audit_events WHERE {condition}", cancellationToken);
}
