using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Authentication.Revocation;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>
/// Validates RFC 9068 access tokens (JWS compact, RS256) without a general-purpose JWT library: only the few header
/// and payload members the gateway needs are read, straight from pooled buffers, and the outcome is cached until the
/// token expires. The header's <c>jku</c>, <c>x5u</c>, <c>jwk</c> and <c>x5c</c> are never read, so a token can
/// never choose its own key. Every answer, cached or not, is checked against the local <see cref="RevocationList"/>.
/// Malformed input of any kind is a refusal with a reason, never an exception.
/// </summary>
public sealed class AccessTokenValidator
{
    private const int MaxTokenLength = 8 * 1024;

    private readonly SigningKeyProvider keys;
    private readonly ValidatedTokenCache cache;
    private readonly RevocationList revocations;
    private readonly IOptions<JwtValidationOptions> options;
    private readonly TimeProvider time;

    internal AccessTokenValidator(
        SigningKeyProvider keys,
        ValidatedTokenCache cache,
        RevocationList revocations,
        IOptions<JwtValidationOptions> options,
        TimeProvider time)
    {
        this.keys = keys;
        this.cache = cache;
        this.revocations = revocations;
        this.options = options;
        this.time = time;
    }

    /// <summary>The refusal of a token that was valid until it was revoked.</summary>
    public const string RevokedError = "The token has been revoked.";

    /// <summary>The deepest delegation chain (nested <c>act</c> claims) a token may carry; a deeper one is malformed.</summary>
    public const int MaxActorDepth = 8;

    /// <summary>Validates a token for the gateway's API (the configured audience, <c>agentcore-gateway</c>).</summary>
    public ValueTask<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken) =>
        ValidateAsync(token, options.Value.Audience, cancellationToken);

    /// <summary>
    /// Validates a token that must carry <paramref name="audience"/> in its <c>aud</c> (RFC 8707: a token bound to one
    /// resource is refused by every other, so a token is never passed on to where it was not meant to go).
    /// </summary>
    public ValueTask<TokenValidation> ValidateAsync(string token, string audience, CancellationToken cancellationToken) =>
        FromCache(token, audience, out var cacheKey) is { } known ? ValueTask.FromResult(known) : ValidateInFullAsync(token, audience, cacheKey, cancellationToken);

    /// <summary>
    /// The answer for a token for the gateway's API validated before and still cached (checked against the revocations
    /// now), the refusal of a token that is empty or too long, or null when only <see cref="ValidateAsync(string, CancellationToken)"/>
    /// can tell: nothing is verified here.
    /// </summary>
    public TokenValidation? ValidateFromCache(string token) => FromCache(token, options.Value.Audience, out _);

    /// <summary>
    /// An identity this validator answered with before, checked again as its cached answer would be: refused once
    /// revoked, and null (validate the token again) once the token has expired.
    /// </summary>
    public TokenValidation? Revalidate(GatewayIdentity identity) =>
        identity.Token is { } token && token.ExpiresAt > time.GetUtcNow() ? Checked(identity) : null;

    private TokenValidation? FromCache(string token, string audience, out TokenHash cacheKey)
    {
        cacheKey = default;
        if (token.Length is 0 or > MaxTokenLength)
        {
            return TokenValidation.Fail("The token is empty or too long.");
        }

        cacheKey = TokenHash.Of(token);
        return cache.TryGet(cacheKey, time.GetUtcNow(), out var cached) ? Checked(cached, audience) : null;
    }

    private async ValueTask<TokenValidation> ValidateInFullAsync(string token, string audience, TokenHash cacheKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var lastDot = token.LastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot || lastDot == token.Length - 1
            || token.AsSpan(firstDot + 1, lastDot - firstDot - 1).Contains('.'))
        {
            return TokenValidation.Fail("The token is not a signed JWT.");
        }

        if (!TryReadHeader(token.AsSpan(0, firstDot), out var keyId, out var headerError))
        {
            return TokenValidation.Fail(headerError);
        }

        var lookup = await keys.GetKeyAsync(keyId, cancellationToken).ConfigureAwait(false);
        if (lookup.Key is not { } key)
        {
            return lookup.SourceUnavailable
                ? TokenValidation.Unavailable(KeysUnavailableError, options.Value.KeyRetryInterval)
                : TokenValidation.Fail("The token is signed with an unknown key.");
        }

        if (!VerifySignature(key, token, lastDot))
        {
            return TokenValidation.Fail("The token signature is invalid.");
        }

        var claims = ReadPayload(token.AsSpan(firstDot + 1, lastDot - firstDot - 1));
        if (claims.Error is not null)
        {
            return TokenValidation.Fail(claims.Error);
        }

        var settings = options.Value;
        if (CheckClaims(claims, settings, now) is { } claimError)
        {
            return TokenValidation.Fail(claimError);
        }

        var caller = new EdgeCaller(
            claims.TenantId ?? string.Empty, claims.ClientId!, claims.Subject ?? claims.ClientId!, claims.Scope ?? string.Empty, string.Join(' ', claims.Actors));
        var expiresAt = FromUnixSeconds(claims.ExpiresAt!.Value);
        var issuedAt = (claims.IssuedAt ?? claims.NotBefore) is { } issued ? FromUnixSeconds(issued) : DateTimeOffset.MinValue;
        var identity = new GatewayIdentity(
            "Bearer", caller, claims.Roles, new AccessTokenFacts(claims.TokenId, claims.AuthorizationId, issuedAt, expiresAt, claims.Audiences!));
        cache.Add(cacheKey, identity, expiresAt, now);
        return Checked(identity, audience);
    }

    private TokenValidation Checked(GatewayIdentity identity, string audience) =>
        identity.Token?.Audiences is { } audiences && audiences.Contains(audience, StringComparer.Ordinal)
            ? Checked(identity)
            : TokenValidation.Fail(WrongAudienceError);

    private TokenValidation Checked(GatewayIdentity identity) =>
        revocations.IsRevoked(identity) ? TokenValidation.Fail(RevokedError) : TokenValidation.Success(identity);

    /// <summary>Why a token could not be checked: its signing key is not known yet and Identity could not be asked.</summary>
    public const string KeysUnavailableError = "The token cannot be checked now: the signing keys are unavailable. Retry later.";

    /// <summary>The refusal of a token meant for another audience (another resource, RFC 8707).</summary>
    public const string WrongAudienceError = "The token is meant for another audience.";

    private static bool TryReadHeader(ReadOnlySpan<char> encoded, out string keyId, out string error)
    {
        keyId = string.Empty;
        Span<byte> buffer = stackalloc byte[1024];
        if (encoded.Length > 1300 || !TryDecode(encoded, buffer, out var length))
        {
            error = "The token header is malformed.";
            return false;
        }

        string? algorithm = null, type = null, kid = null;
        try
        {
            var reader = new Utf8JsonReader(buffer[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The token header is malformed.";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                if (name.SequenceEqual("alg"u8))
                {
                    algorithm = reader.TokenType == JsonTokenType.String && algorithm is null ? reader.GetString() : "\0";
                }
                else if (name.SequenceEqual("typ"u8))
                {
                    type = reader.TokenType == JsonTokenType.String && type is null ? reader.GetString() : "\0";
                }
                else if (name.SequenceEqual("kid"u8))
                {
                    kid = reader.TokenType == JsonTokenType.String && kid is null ? reader.GetString() : null;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escape that is not valid UTF-16, such as a lone surrogate (\ud800).
            error = "The token header is malformed.";
            return false;
        }

        if (algorithm != "RS256")
        {
            error = "The token must be signed with RS256.";
            return false;
        }

        if (!string.Equals(type, GatewayTokens.AccessTokenType, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(type, "application/" + GatewayTokens.AccessTokenType, StringComparison.OrdinalIgnoreCase))
        {
            error = "The token is not an access token (typ must be at+jwt).";
            return false;
        }

        if (string.IsNullOrEmpty(kid))
        {
            error = "The token does not name its signing key.";
            return false;
        }

        keyId = kid;
        error = string.Empty;
        return true;
    }

    private static bool VerifySignature(RSA key, string token, int lastDot)
    {
        Span<byte> signature = stackalloc byte[1024];
        if (!TryDecode(token.AsSpan(lastDot + 1), signature, out var signatureLength))
        {
            return false;
        }

        var signed = ArrayPool<byte>.Shared.Rent(lastDot);
        try
        {
            var length = Encoding.ASCII.GetBytes(token.AsSpan(0, lastDot), signed);
            return key.VerifyData(signed.AsSpan(0, length), signature[..signatureLength], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signed);
        }
    }

    private static TokenClaims ReadPayload(ReadOnlySpan<char> encoded)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (!TryDecode(encoded, buffer, out var length))
            {
                return TokenClaims.Invalid("The token payload is malformed.");
            }

            return ParseClaims(buffer.AsSpan(0, length));
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return TokenClaims.Invalid("The token payload is malformed.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TokenClaims ParseClaims(ReadOnlySpan<byte> json)
    {
        var claims = new TokenClaims();
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return TokenClaims.Invalid("The token payload is malformed.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("iss"u8)) claims.Issuer = StringOrNull(ref reader);
            else if (name.SequenceEqual("aud"u8)) claims.Audiences = ReadStrings(ref reader);
            else if (name.SequenceEqual("exp"u8)) claims.ExpiresAt = NumberOrNull(ref reader);
            else if (name.SequenceEqual("nbf"u8)) claims.NotBefore = NumberOrNull(ref reader);
            else if (name.SequenceEqual("iat"u8)) claims.IssuedAt = NumberOrNull(ref reader);
            else if (name.SequenceEqual("sub"u8)) claims.Subject = StringOrNull(ref reader);
            else if (name.SequenceEqual("client_id"u8)) claims.ClientId = StringOrNull(ref reader);
            else if (name.SequenceEqual("tenant_id"u8)) (claims.TenantPresent, claims.TenantId) = (true, StringOrNull(ref reader));
            else if (name.SequenceEqual("scope"u8)) claims.Scope = StringOrNull(ref reader);
            else if (name.SequenceEqual("jti"u8)) claims.TokenId = StringOrNull(ref reader);
            else if (name.SequenceEqual("oi_au_id"u8)) claims.AuthorizationId = StringOrNull(ref reader);
            else if (name.SequenceEqual("roles"u8)) claims.Roles = ReadStrings(ref reader);
            else if (name.SequenceEqual("act"u8)) claims.ActorsMalformed = !TryReadActors(ref reader, claims.Actors);
            else reader.Skip();
        }

        return claims;
    }

    private static string? CheckClaims(TokenClaims claims, JwtValidationOptions settings, DateTimeOffset now)
    {
        if (!string.Equals(claims.Issuer, settings.Issuer, StringComparison.Ordinal))
        {
            return "The token was issued by someone else.";
        }

        if (claims.Audiences is not { Count: > 0 })
        {
            return WrongAudienceError;
        }

        if (claims.ActorsMalformed)
        {
            return "The token's delegation chain (act) is malformed.";
        }

        var seconds = now.ToUnixTimeSeconds();
        var skew = (long)settings.ClockSkew.TotalSeconds;
        if (claims.ExpiresAt is not { } expires || expires + skew <= seconds)
        {
            return "The token has expired.";
        }

        if (claims.NotBefore is { } notBefore ? notBefore - skew > seconds : settings.RequireNotBefore)
        {
            return "The token is not valid yet.";
        }

        if (string.IsNullOrEmpty(claims.ClientId))
        {
            return "The token names no client.";
        }

        // A token without a tenant belongs to a platform administrator, so a tenant that is there but unreadable
        // must never pass for none.
        if (claims.TenantPresent && string.IsNullOrEmpty(claims.TenantId))
        {
            return "The token's tenant is malformed.";
        }

        return null;
    }

    /// <summary>
    /// Base64url without exceptions: <c>Base64Url.TryDecodeFromChars</c> returns false only for a short destination and
    /// throws on a character outside the alphabet, which a token from outside may hold anywhere.
    /// </summary>
    private static bool TryDecode(ReadOnlySpan<char> encoded, Span<byte> destination, out int length) =>
        Base64Url.DecodeFromChars(encoded, destination, out _, out length) == OperationStatus.Done;

    /// <summary>Unix seconds as a time, clamped to what <see cref="DateTimeOffset"/> can hold.</summary>
    private static DateTimeOffset FromUnixSeconds(long seconds) =>
        DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, DateTimeOffset.MinValue.ToUnixTimeSeconds(), DateTimeOffset.MaxValue.ToUnixTimeSeconds()));

    private static string? StringOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static long? NumberOrNull(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;

    /// <summary>
    /// RFC 8693 section 4.1: <c>act</c> is an object naming the acting party (<c>client_id</c>, else <c>sub</c>), whose
    /// own <c>act</c> names the party that party acts for, and so on. Read into <paramref name="actors"/>, the party
    /// acting now first. False for anything but that shape, or a chain deeper than <see cref="MaxActorDepth"/>.
    /// </summary>
    private static bool TryReadActors(ref Utf8JsonReader reader, List<string> actors, int depth = 0)
    {
        if (reader.TokenType != JsonTokenType.StartObject || depth >= MaxActorDepth)
        {
            reader.Skip();
            return false;
        }

        string? client = null, subject = null;
        List<string> further = [];
        var wellFormed = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("client_id"u8)) client = StringOrNull(ref reader);
            else if (name.SequenceEqual("sub"u8)) subject = StringOrNull(ref reader);
            else if (name.SequenceEqual("act"u8)) wellFormed &= TryReadActors(ref reader, further, depth + 1);
            else reader.Skip();
        }

        if (!wellFormed || (client ?? subject) is not { Length: > 0 } actor || actor.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        actors.Add(actor);
        actors.AddRange(further);
        return true;
    }

    private static List<string> ReadStrings(ref Utf8JsonReader reader)
    {
        var values = new List<string>();
        if (reader.TokenType == JsonTokenType.String)
        {
            values.Add(reader.GetString()!);
        }
        else if (reader.TokenType == JsonTokenType.StartArray)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String)
                {
                    values.Add(reader.GetString()!);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        else
        {
            reader.Skip();
        }

        return values;
    }

    private sealed class TokenClaims
    {
        public string? Error { get; private init; }
        public string? Issuer { get; set; }
        public List<string>? Audiences { get; set; }
        public long? ExpiresAt { get; set; }
        public long? NotBefore { get; set; }
        public long? IssuedAt { get; set; }
        public string? Subject { get; set; }
        public string? ClientId { get; set; }
        public string? TenantId { get; set; }
        public bool TenantPresent { get; set; }
        public string? Scope { get; set; }
        public string? TokenId { get; set; }
        public string? AuthorizationId { get; set; }
        public List<string> Roles { get; set; } = [];
        public List<string> Actors { get; } = [];
        public bool ActorsMalformed { get; set; }

        public static TokenClaims Invalid(string error) => new() { Error = error };
    }
}

/// <summary>
/// The outcome of validating one token: an identity, or the reason it was refused (safe to show the caller); or, with
/// <see cref="RetryAfter"/>, the reason it could not be checked at all, which is the gateway's failure (503), not the token's.
/// </summary>
public readonly record struct TokenValidation(GatewayIdentity? Identity, string? Error, TimeSpan? RetryAfter = null)
{
    public static TokenValidation Success(GatewayIdentity identity) => new(identity, null);

    public static TokenValidation Fail(string error) => new(null, error);

    /// <summary>The token could not be checked now (what it needs is unavailable); ask again after <paramref name="retryAfter"/>.</summary>
    public static TokenValidation Unavailable(string error, TimeSpan retryAfter) => new(null, error, retryAfter);
}
