namespace AgentCore.Gateway.Audit.Storage;

/// <summary>
/// A stream entry that could not be read as an audit event. Its content is not kept, since a malformed entry may hold
/// anything, credentials included: only its hash and size, so it can be matched against the producer's logs.
/// </summary>
internal sealed class DeadLetter
{
    public required string StreamEntryId { get; init; }

    public string? Type { get; init; }

    public required string Error { get; init; }

    public string? PayloadSha256 { get; init; }

    public int PayloadLength { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
