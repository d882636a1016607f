using System.Text.Json;
using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Gateway.Audit.Tests.Infrastructure;

/// <summary>Audit events for tests, and raw appends to the audit stream where a test needs exact control over entries.</summary>
internal static class AuditEvents
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public static AuditEvent Create(
        string type = AuditEventTypes.TokenIssued,
        string? tenantId = "tenant-a",
        string? clientId = "client-a",
        string? subject = null,
        DateTimeOffset? timestamp = null,
        string outcome = AuditOutcomes.Success,
        string? sourceAddress = "192.0.2.0/24",
        string? route = "/connect/token",
        string? reason = null,
        IReadOnlyDictionary<string, string>? details = null) =>
        new(Guid.NewGuid(), timestamp ?? DateTimeOffset.UtcNow, type, new AuditActor(clientId, subject, tenantId), sourceAddress,
            Guid.NewGuid().ToString("N"), route, outcome, reason, details);

    /// <summary>Appends the event the way the shared audit client does: type and JSON payload fields.</summary>
    public static Task<RedisValue> AppendAsync(IDatabase redis, AuditEvent auditEvent) =>
        AppendRawAsync(redis, auditEvent.Type, JsonSerializer.Serialize(auditEvent, SerializerOptions));

    public static Task<RedisValue> AppendRawAsync(IDatabase redis, string type, string? payload) =>
        redis.StreamAddAsync(
            StreamNames.AuditEvents,
            payload is null
                ? [new NameValueEntry(StreamNames.TypeField, type)]
                : [new NameValueEntry(StreamNames.TypeField, type), new NameValueEntry(StreamNames.PayloadField, payload)]);
}
