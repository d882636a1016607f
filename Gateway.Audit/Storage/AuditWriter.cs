using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace AgentCore.Gateway.Audit.Storage;

/// <summary>
/// Stores a batch of events and dead letters in one transaction, idempotently on the event id (and on the stream
/// entry id for dead letters): a batch delivered again, in whole or in part, adds nothing. Events travel by binary
/// <c>COPY</c> into a session-local staging table, then one <c>INSERT … SELECT … ON CONFLICT (id) DO NOTHING</c> moves
/// them: COPY is PostgreSQL's cheapest way in, and the insert keeps the idempotency COPY alone cannot give.
/// The writer has connections of its own that are not reset when returned to their pool, so the staging table is
/// created once per connection rather than once per batch (a pool's reset drops temporary tables).
/// </summary>
internal sealed class AuditWriter : IAsyncDisposable
{
    private const string Columns = "id, timestamp, type, client_id, subject, tenant_id, source_address, request_id, route, outcome, reason, details, ingested_at";
    private const string StagingTable = "audit_events_staging";

    // A temporary table lives as long as the (pooled) connection; ON COMMIT DELETE ROWS empties it after each batch.
    private const string CreateStaging = $"""
        CREATE TEMPORARY TABLE IF NOT EXISTS {StagingTable}
            (LIKE {AuditDbContext.EventsTable} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
        """;

    private const string CopyEvents = $"COPY {StagingTable} ({Columns}) FROM STDIN (FORMAT BINARY)";

    private const string InsertEvents = $"""
        INSERT INTO {AuditDbContext.EventsTable} ({Columns})
        SELECT {Columns} FROM {StagingTable}
        ON CONFLICT (id) DO NOTHING
        """;

    private const string InsertDeadLetters = $"""
        INSERT INTO {AuditDbContext.DeadLettersTable} (stream_entry_id, type, error, payload_sha256, payload_length, received_at)
        SELECT * FROM unnest(@stream_entry_id, @type, @error, @payload_sha256, @payload_length, @received_at)
        ON CONFLICT (stream_entry_id) DO NOTHING
        """;

    private readonly NpgsqlDataSource dataSource;

    public AuditWriter(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        var connectionString = scope.ServiceProvider.GetRequiredService<AuditDbContext>().Database.GetConnectionString()
            ?? throw new InvalidOperationException("The audit database has no connection string.");

        // Safe without the reset: every batch ends its transaction, and the staging table is empty after it either way.
        dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true });
    }

    /// <summary>Commits the batch and returns how many events were new.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<AuditRecord> events, IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = events.Count == 0 ? 0 : await WriteEventsAsync(connection, events, cancellationToken);
        if (deadLetters.Count > 0)
        {
            await using var command = new NpgsqlCommand(InsertDeadLetters, connection)
            {
                Parameters =
                {
                    Array("stream_entry_id", NpgsqlDbType.Text, deadLetters.Select(letter => letter.StreamEntryId)),
                    Array("type", NpgsqlDbType.Text, deadLetters.Select(letter => letter.Type)),
                    Array("error", NpgsqlDbType.Text, deadLetters.Select(letter => letter.Error)),
                    Array("payload_sha256", NpgsqlDbType.Text, deadLetters.Select(letter => letter.PayloadSha256)),
                    Array("payload_length", NpgsqlDbType.Integer, deadLetters.Select(letter => letter.PayloadLength)),
                    Array("received_at", NpgsqlDbType.TimestampTz, deadLetters.Select(letter => letter.ReceivedAt)),
                },
            };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private static async Task<int> WriteEventsAsync(NpgsqlConnection connection, IReadOnlyList<AuditRecord> events, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(CreateStaging, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(CopyEvents, cancellationToken))
        {
            foreach (var record in events)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(record.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(record.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(record.Type, NpgsqlDbType.Text, cancellationToken);
                await WriteAsync(copy, record.ClientId, NpgsqlDbType.Text, cancellationToken);
                await WriteAsync(copy, record.Subject, NpgsqlDbType.Text, cancellationToken);
                await WriteAsync(copy, record.TenantId, NpgsqlDbType.Text, cancellationToken);
                await WriteAsync(copy, record.SourceAddress, NpgsqlDbType.Text, cancellationToken);
                await WriteAsync(copy, record.RequestId, NpgsqlDbType.Text, cancellationToken);
                await WriteAsync(copy, record.Route, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(record.Outcome, NpgsqlDbType.Text, cancellationToken);
                await WriteAsync(copy, record.Reason, NpgsqlDbType.Text, cancellationToken);
                await WriteAsync(copy, record.Details, NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync(record.IngestedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand(InsertEvents, connection);
        return await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Task WriteAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };
}
