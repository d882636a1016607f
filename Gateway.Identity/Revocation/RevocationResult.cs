using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Identity.Revocation;

/// <summary>The answer of a sign-out everywhere or of disabling a user or a client.</summary>
internal sealed record RevocationResult(
    [property: JsonPropertyName("kind"), AllowedValues(TokenRevocationKinds.Subject, TokenRevocationKinds.Client), Description("What was revoked.")] string Kind,
    [property: JsonPropertyName("value"), Description("The subject (a user id for a disabled user) or client id.")] string Value,
    [property: JsonPropertyName("revoked_at"), Description("Access tokens issued at or before this second are refused.")] DateTimeOffset RevokedAt,
    [property: JsonPropertyName("authorizations_revoked"), Description("Authorizations (refresh-token families) revoked in the store.")] long AuthorizationsRevoked,
    [property: JsonPropertyName("tokens_revoked"), Description("Refresh tokens and other stored tokens revoked.")] long TokensRevoked);
