using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace AgentCore.Gateway.Audit.Storage;

/// <summary>
/// Stores a batch of events and dead letters in one transaction, idempotently on the event id (and on the stream
/// entry id for dead letters): a batch delivered again, in whole or in part, adds nothing.
/// </summary>
internal sealed class AuditWriter(IServiceScopeFactory scopes)
{
    private const string InsertEvents = $"""
        INSERT INTO {AuditDbContext.EventsTable}
            (id, timestamp, type, client_id, subject, tenant_id, source_address, request_id, route, outcome, reason, details, ingested_at)
        SELECT id, timestamp, type, client_id, subject, tenant_id, source_address, request_id, route, outcome, reason, details::jsonb, ingested_at
        FROM unnest(@id, @timestamp, @type, @client_id, @subject, @tenant_id, @source_address, @request_id, @route, @outcome, @reason, @details, @ingested_at)
            AS batch(id, timestamp, type, client_id, subject, tenant_id, source_address, request_id, route, outcome, reason, details, ingested_at)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string InsertDeadLetters = $"""
        INSERT INTO {AuditDbContext.DeadLettersTable} (stream_entry_id, type, error, payload_sha256, payload_length, received_at)
        SELECT * FROM unnest(@stream_entry_id, @type, @error, @payload_sha256, @payload_length, @received_at)
        ON CONFLICT (stream_entry_id) DO NOTHING
        """;

    /// <summary>Commits the batch and returns how many events were new.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<AuditRecord> events, IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var inserted = events.Count == 0 ? 0 : await context.Database.ExecuteSqlRawAsync(
            InsertEvents,
            [
                Array("id", NpgsqlDbType.Uuid, events.Select(record => record.Id)),
                Array("timestamp", NpgsqlDbType.TimestampTz, events.Select(record => record.Timestamp)),
                Array("type", NpgsqlDbType.Text, events.Select(record => record.Type)),
                Array("client_id", NpgsqlDbType.Text, events.Select(record => record.ClientId)),
                Array("subject", NpgsqlDbType.Text, events.Select(record => record.Subject)),
                Array("tenant_id", NpgsqlDbType.Text, events.Select(record => record.TenantId)),
                Array("source_address", NpgsqlDbType.Text, events.Select(record => record.SourceAddress)),
                Array("request_id", NpgsqlDbType.Text, events.Select(record => record.RequestId)),
                Array("route", NpgsqlDbType.Text, events.Select(record => record.Route)),
                Array("outcome", NpgsqlDbType.Text, events.Select(record => record.Outcome)),
                Array("reason", NpgsqlDbType.Text, events.Select(record => record.Reason)),
                Array("details", NpgsqlDbType.Text, events.Select(record => record.Details)),
                Array("ingested_at", NpgsqlDbType.TimestampTz, events.Select(record => record.IngestedAt)),
            ],
            cancellationToken).ConfigureAwait(false);

        if (deadLetters.Count > 0)
        {
            await context.Database.ExecuteSqlRawAsync(
                InsertDeadLetters,
                [
                    Array("stream_entry_id", NpgsqlDbType.Text, deadLetters.Select(letter => letter.StreamEntryId)),
                    Array("type", NpgsqlDbType.Text, deadLetters.Select(letter => letter.Type)),
                    Array("error", NpgsqlDbType.Text, deadLetters.Select(letter => letter.Error)),
                    Array("payload_sha256", NpgsqlDbType.Text, deadLetters.Select(letter => letter.PayloadSha256)),
                    Array("payload_length", NpgsqlDbType.Integer, deadLetters.Select(letter => letter.PayloadLength)),
                    Array("received_at", NpgsqlDbType.TimestampTz, deadLetters.Select(letter => letter.ReceivedAt)),
                ],
                cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return inserted;
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };
}
