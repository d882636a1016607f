using System.Collections.Frozen;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>
/// Identity's signing keys, read from its discovery document and JWKS and kept in memory. Only RSA signing keys are
/// taken, from their modulus and exponent; certificate chains and any other embedded material are ignored.
/// </summary>
internal sealed partial class SigningKeyProvider(
    IHttpClientFactory httpClientFactory,
    IOptions<JwtValidationOptions> options,
    TimeProvider time,
    ILogger<SigningKeyProvider> logger) : IDisposable
{
    public const string HttpClientName = "gateway-jwks";

    private readonly SemaphoreSlim refreshLock = new(1, 1);
    private volatile KeySet current = KeySet.Empty;

    /// <summary>
    /// The key for <paramref name="keyId"/>, downloading the keys when they are stale or the id is new (rate-limited).
    /// <see cref="SigningKeyLookup.SourceUnavailable"/> when the key is not known and Identity could not be asked: the
    /// token may well be good, so its refusal would be a lie.
    /// </summary>
    public ValueTask<SigningKeyLookup> GetKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var keys = current;
        var now = time.GetUtcNow();
        if (keys.Keys.TryGetValue(keyId, out var key) && now - keys.LoadedAt < options.Value.KeyLifetime)
        {
            return ValueTask.FromResult(new SigningKeyLookup(key, SourceUnavailable: false));
        }

        return RefreshAndGetAsync(keyId, cancellationToken);
    }

    private async ValueTask<SigningKeyLookup> RefreshAndGetAsync(string keyId, CancellationToken cancellationToken)
    {
        await refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var settings = options.Value;
            var now = time.GetUtcNow();
            var keys = current;
            var stale = now - keys.LoadedAt >= settings.KeyLifetime;
            var sinceAttempt = now - keys.AttemptedAt;

            // After a failed download Identity is asked again only after KeyRetryInterval, so that requests do not queue
            // one behind the other on a down Identity.
            var mayRefresh = keys.DownloadFailed
                ? sinceAttempt >= settings.KeyRetryInterval
                : stale || sinceAttempt >= settings.UnknownKeyRefreshInterval;
            if (mayRefresh && (stale || !keys.Keys.ContainsKey(keyId)))
            {
                keys = await DownloadAsync(keys, now, cancellationToken).ConfigureAwait(false);
                current = keys;
            }

            var key = keys.Keys.GetValueOrDefault(keyId);
            return new SigningKeyLookup(key, SourceUnavailable: key is null && keys.DownloadFailed);
        }
        finally
        {
            refreshLock.Release();
        }
    }

    private async Task<KeySet> DownloadAsync(KeySet previous, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var metadataAddress = options.Value.MetadataAddress;
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            var discovery = await client.GetFromJsonAsync<DiscoveryDocument>(metadataAddress, cancellationToken).ConfigureAwait(false);
            if (discovery?.JwksUri is not { } jwksUri)
            {
                LogDownloadFailed(logger, metadataAddress, null);
                return previous with { AttemptedAt = now, DownloadFailed = true };
            }

            // The issuer publishes its public (Edge) address; the same path is read from Identity directly.
            var jwksAddress = new Uri(metadataAddress, jwksUri.PathAndQuery);
            using var document = await client.GetFromJsonAsync<JsonDocument>(jwksAddress, cancellationToken).ConfigureAwait(false);
            var keys = ParseKeys(document);
            LogKeysLoaded(logger, keys.Count, jwksAddress);

            // Replaced keys are left to the garbage collector: requests in flight may still be verifying with them.
            return new KeySet(keys, now, now, DownloadFailed: false);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException or NotSupportedException)
        {
            LogDownloadFailed(logger, metadataAddress, exception);
            return previous with { AttemptedAt = now, DownloadFailed = true };
        }
    }

    private static FrozenDictionary<string, RSA> ParseKeys(JsonDocument? document)
    {
        var keys = new Dictionary<string, RSA>(StringComparer.Ordinal);
        if (document is null || !document.RootElement.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return keys.ToFrozenDictionary(StringComparer.Ordinal);
        }

        foreach (var jwk in array.EnumerateArray())
        {
            if (Text(jwk, "kty") != "RSA" || Text(jwk, "use") is not (null or "sig") || Text(jwk, "alg") is not (null or "RS256")
                || Text(jwk, "kid") is not { Length: > 0 } kid || Text(jwk, "n") is not { } modulus || Text(jwk, "e") is not { } exponent)
            {
                continue;
            }

            var rsa = RSA.Create();
            try
            {
                rsa.ImportParameters(new RSAParameters
                {
                    Modulus = System.Buffers.Text.Base64Url.DecodeFromChars(modulus),
                    Exponent = System.Buffers.Text.Base64Url.DecodeFromChars(exponent),
                });
                keys[kid] = rsa;
            }
            catch (Exception exception) when (exception is FormatException or CryptographicException)
            {
                // A key that is not an RSA key after all is left out, as any other unusable entry is.
                rsa.Dispose();
            }
        }

        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public void Dispose()
    {
        foreach (var key in current.Keys.Values)
        {
            key.Dispose();
        }

        refreshLock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} signing keys from {Address}")]
    private static partial void LogKeysLoaded(ILogger logger, int count, Uri address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not download signing keys via {Address}")]
    private static partial void LogDownloadFailed(ILogger logger, Uri address, Exception? exception);

    private sealed record DiscoveryDocument([property: JsonPropertyName("jwks_uri")] Uri? JwksUri);

    /// <summary>The keys last downloaded, and whether the last attempt to download them failed.</summary>
    private sealed record KeySet(FrozenDictionary<string, RSA> Keys, DateTimeOffset LoadedAt, DateTimeOffset AttemptedAt, bool DownloadFailed)
    {
        public static readonly KeySet Empty = new(FrozenDictionary<string, RSA>.Empty, DateTimeOffset.MinValue, DateTimeOffset.MinValue, DownloadFailed: false);
    }
}

/// <summary>A signing key by its id, or none: unknown to Identity, or (<paramref name="SourceUnavailable"/>) Identity could not be asked.</summary>
internal readonly record struct SigningKeyLookup(RSA? Key, bool SourceUnavailable);
