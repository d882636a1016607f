using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Contracts;

/// <summary>
/// One revocation that Identity announces and every token validator honours until <see cref="ExpiresAt"/>, when no
/// access token it could match is valid any more.
/// </summary>
/// <param name="Kind">What <see cref="Value"/> names: one of <see cref="TokenRevocationKinds"/>.</param>
/// <param name="Value">The token id (<c>jti</c>), authorization id (<c>oi_au_id</c>), subject (<c>sub</c>) or client (<c>client_id</c>).</param>
/// <param name="RevokedAt">
/// Unix seconds of the revocation. A subject or client revocation denies only tokens issued (<c>iat</c>) at or before
/// it, so that the user or client can sign in again afterwards.
/// </param>
/// <param name="ExpiresAt">Unix seconds after which the entry can be forgotten (the longest access-token lifetime from <paramref name="RevokedAt"/>).</param>
public sealed record TokenRevocation(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("revoked_at")] long RevokedAt,
    [property: JsonPropertyName("expires_at")] long ExpiresAt);

/// <summary>What a <see cref="TokenRevocation"/> matches.</summary>
public static class TokenRevocationKinds
{
    /// <summary>One access token, by its <c>jti</c>.</summary>
    public const string Token = "token";

    /// <summary>Every access token of one authorization (a refresh-token family), by its <c>oi_au_id</c>.</summary>
    public const string Authorization = "authorization";

    /// <summary>Every access token issued to a subject (<c>sub</c>) up to the revocation.</summary>
    public const string Subject = "subject";

    /// <summary>Every access token issued to a client (<c>client_id</c>) up to the revocation.</summary>
    public const string Client = "client";
}

/// <summary>
/// Where revocations live in Redis: announced on <see cref="Channel"/> (one JSON <see cref="TokenRevocation"/> per
/// message) and kept in the sorted set <see cref="SetKey"/> (member: the same JSON; score: its <c>expires_at</c>), which a
/// validator reads whole on start and whenever its Redis connection comes back.
/// </summary>
public static class TokenRevocations
{
    public const string Channel = "agentcore:tokens:revoked";

    public const string SetKey = "agentcore:tokens:revocations";

    /// <summary>The access-token claim that carries the authorization (refresh-token family) id, as OpenIddict names it.</summary>
    public const string AuthorizationIdClaim = "oi_au_id";

    public static string Serialize(TokenRevocation revocation) => JsonSerializer.Serialize(revocation);

    /// <summary>The revocation in <paramref name="json"/>; null when it is not one (never throws on bad input).</summary>
    public static TokenRevocation? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<TokenRevocation>(json) is { Kind.Length: > 0, Value.Length: > 0 } revocation ? revocation : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
