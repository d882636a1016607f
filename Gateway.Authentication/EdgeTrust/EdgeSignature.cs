using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

/// <summary>The parts of a request that the Edge's signature covers, as the backend will see them.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The decoded path (<c>HttpRequest.Path</c>).</param>
/// <param name="Query">The query string as sent, with or without its <c>?</c>; it is signed parsed (see <see cref="EdgeSignature.CanonicalQuery"/>).</param>
/// <param name="RequestId">The <c>X-Request-ID</c> the request carries.</param>
/// <param name="Timestamp">Unix seconds of the signature.</param>
/// <param name="Caller">The caller the Edge vouches for; null for an anonymous request.</param>
/// <param name="ForwardedFor">The client address the Edge vouches for (<c>X-Forwarded-For</c>); empty when none.</param>
/// <param name="BodyDigest">Base64url SHA-256 of the body (<see cref="EdgeSignature.DigestAsync"/>); empty for an empty body.</param>
public sealed record EdgeSignedRequest(
    string Method,
    string Path,
    string? Query,
    string RequestId,
    long Timestamp,
    EdgeCaller? Caller,
    string ForwardedFor,
    string BodyDigest);

/// <summary>
/// The HMAC that proves a request came through the Edge: over the method, path, query, request id, timestamp, the
/// trusted identity headers, the client address and the body's digest, so none of them can be changed, and the
/// signature not replayed onto another request, without the key.
/// </summary>
public static class EdgeSignature
{
    private const int TimestampField = 4;

    /// <summary>Base64url HMAC-SHA256 of the canonical form: the fields joined by <c>\n</c>, as UTF-8.</summary>
    public static string Compute(ReadOnlySpan<byte> key, EdgeSignedRequest request)
    {
        Span<char> stamp = stackalloc char[20];
        request.Timestamp.TryFormat(stamp, out var stampLength, provider: CultureInfo.InvariantCulture);
        var caller = request.Caller;
        ReadOnlySpan<string> fields =
        [
            request.Method, request.Path, CanonicalQuery(request.Query), request.RequestId, string.Empty,
            caller?.TenantId ?? string.Empty, caller?.ClientId ?? string.Empty, caller?.Subject ?? string.Empty, caller?.Scopes ?? string.Empty,
            caller?.Actors ?? string.Empty, request.ForwardedFor, request.BodyDigest,
        ];

        var length = fields.Length + stampLength;
        foreach (var field in fields)
        {
            length += Encoding.UTF8.GetMaxByteCount(field.Length);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            for (var index = 0; index < fields.Length; index++)
            {
                if (index > 0)
                {
                    rented[written++] = (byte)'\n';
                }

                written += index == TimestampField
                    ? Encoding.UTF8.GetBytes(stamp[..stampLength], rented.AsSpan(written))
                    : Encoding.UTF8.GetBytes(fields[index], rented.AsSpan(written));
            }

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, rented.AsSpan(0, written), mac);
            return Base64Url.EncodeToString(mac);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>True when <paramref name="presented"/> equals the expected signature, compared in constant time.</summary>
    public static bool Matches(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));

    /// <summary>
    /// The query as the backend's handlers read it: parsed (so that equivalent encodings of the same values, which
    /// proxies and URI builders may choose between, sign alike), in ordinal order of names, every name and value
    /// length-prefixed so that no two different queries share a form. Empty for no query.
    /// </summary>
    public static string CanonicalQuery(string? query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        var parsed = QueryHelpers.ParseQuery(query);
        var canonical = new StringBuilder(query.Length + 16);
        foreach (var (name, values) in parsed.OrderBy(parameter => parameter.Key, StringComparer.Ordinal))
        {
            Append(canonical, name);
            foreach (var value in values)
            {
                canonical.Append('=');
                Append(canonical, value ?? string.Empty);
            }

            canonical.Append('&');
        }

        return canonical.ToString();

        static void Append(StringBuilder builder, string text) =>
            builder.Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(text);
    }

    /// <summary>Base64url SHA-256 of <paramref name="body"/>, held in memory; empty when it is empty.</summary>
    public static string Digest(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return string.Empty;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>
    /// Base64url SHA-256 of everything <paramref name="body"/> still holds, read to its end; empty when it holds nothing.
    /// Null when it holds more than <paramref name="maxBytes"/>: such a body is never signed.
    /// </summary>
    public static async ValueTask<string?> DigestAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    return null;
                }

                hash.AppendData(buffer, 0, read);
            }

            return total == 0 ? string.Empty : Base64Url.EncodeToString(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Whether the request may carry a body to digest: never a WebSocket (its "body" is the connection), otherwise as
    /// the server detected it (a length, chunked framing, or an HTTP/2 stream left open).
    /// </summary>
    public static bool HasBodyToSign(HttpContext context)
    {
        if (context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true)
        {
            return false;
        }

        return context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0);
    }
}
