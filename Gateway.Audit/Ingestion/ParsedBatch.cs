using AgentCore.Gateway.Audit.Storage;
using StackExchange.Redis;

namespace AgentCore.Gateway.Audit.Ingestion;

/// <summary>The records to store, the entries that are not audit events, and the stream entry each record came from.</summary>
internal sealed record ParsedBatch(IReadOnlyList<AuditRecord> Records, IReadOnlyList<DeadLetter> DeadLetters, IReadOnlyDictionary<Guid, StreamEntry> Sources);
