namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>An API key as stored: its SHA-256 only, never the key.</summary>
internal sealed class StoredApiKey
{
    public required string Id { get; set; }

    public required string Name { get; set; }

    public required string TenantId { get; set; }

    public List<string> Scopes { get; set; } = [];

    /// <summary><see cref="Contracts.ApiKeys.Hash"/> of the key.</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The admin client that created it.</summary>
    public string? CreatedBy { get; set; }
}
