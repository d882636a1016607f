using System.Security.Cryptography;
using System.Text.Json;
using AgentCore.Gateway.Audit.Redaction;
using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Gateway.Audit.Ingestion;

/// <summary>Reads stream entries into redacted records; an entry that is not a valid audit event becomes a dead letter.</summary>
internal sealed class AuditEntryParser(AuditEventRedactor redactor, TimeProvider time)
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public ParsedBatch Parse(IReadOnlyList<StreamEntry> entries)
    {
        var now = time.GetUtcNow();
        var records = new Dictionary<Guid, AuditRecord>(entries.Count);
        var sources = new Dictionary<Guid, StreamEntry>(entries.Count);
        var deadLetters = new List<DeadLetter>();
        foreach (var entry in entries)
        {
            var payload = entry[StreamNames.PayloadField];
            var error = TryRead(payload, out var auditEvent);
            if (error is null)
            {
                // A producer that retried a batch may have appended the same event twice; one row either way.
                if (records.TryAdd(auditEvent!.Id, redactor.ToRecord(auditEvent, now)))
                {
                    sources[auditEvent.Id] = entry;
                }

                continue;
            }

            deadLetters.Add(Reject(entry, error, now));
        }

        return new ParsedBatch([.. records.Values], deadLetters, sources);
    }

    /// <summary>The dead letter of an entry: its stream id, type, the reason and its payload's hash, never its content.</summary>
    public static DeadLetter Reject(StreamEntry entry, string error, DateTimeOffset now)
    {
        var payload = entry[StreamNames.PayloadField];
        var bytes = payload.IsNull ? [] : (byte[])payload!;
        var type = ((string?)entry[StreamNames.TypeField])?.Replace("\0", string.Empty, StringComparison.Ordinal);
        return new DeadLetter
        {
            StreamEntryId = entry.Id!,
            Type = type is { Length: > 64 } ? type[..64] : type,
            Error = error,
            PayloadSha256 = payload.IsNull ? null : Convert.ToHexStringLower(SHA256.HashData(bytes)),
            PayloadLength = bytes.Length,
            ReceivedAt = now,
        };
    }

    private static string? TryRead(RedisValue payload, out AuditEvent? auditEvent)
    {
        auditEvent = null;
        if (payload.IsNullOrEmpty)
        {
            return $"no '{StreamNames.PayloadField}' field (or the entry was deleted from the stream)";
        }

        try
        {
            auditEvent = JsonSerializer.Deserialize<AuditEvent>((byte[])payload!, SerializerOptions);
        }
        catch (JsonException exception)
        {
            return $"unparseable JSON at {exception.Path ?? "$"}";
        }

        return auditEvent switch
        {
            null => "payload is JSON null",
            { Id: var id } when id == Guid.Empty => "missing id",
            { Type: null or "" } => "missing type",
            { Outcome: null or "" } => "missing outcome",
            { Actor: null } => "missing actor",
            { Timestamp: var timestamp } when timestamp == default => "missing timestamp",
            _ => null,
        };
    }
}
