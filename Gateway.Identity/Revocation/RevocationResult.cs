using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Identity.Revocation;

/// <summary>The answer of a sign-out everywhere or of disabling a user or a client.</summary>
internal sealed record RevocationResult(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("revoked_at")] DateTimeOffset RevokedAt,
    [property: JsonPropertyName("authorizations_revoked")] long AuthorizationsRevoked,
    [property: JsonPropertyName("tokens_revoked")] long TokensRevoked);
