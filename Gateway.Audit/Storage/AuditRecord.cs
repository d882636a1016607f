namespace AgentCore.Gateway.Audit.Storage;

/// <summary>One stored audit event, already redacted: <see cref="Subject"/> and <see cref="SourceAddress"/> are HMAC pseudonyms.</summary>
internal sealed class AuditRecord
{
    public required Guid Id { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string Type { get; init; }

    public string? ClientId { get; init; }

    public string? Subject { get; init; }

    public string? TenantId { get; init; }

    public string? SourceAddress { get; init; }

    public string? RequestId { get; init; }

    public string? Route { get; init; }

    public required string Outcome { get; init; }

    public string? Reason { get; init; }

    /// <summary>The redacted details as a JSON object, or null.</summary>
    public string? Details { get; init; }

    /// <summary>When Gateway.Audit stored the event; the gap to <see cref="Timestamp"/> is the trail's delay.</summary>
    public required DateTimeOffset IngestedAt { get; init; }
}
