using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AgentCore.Gateway.ServiceDefaults.Trust;

/// <summary>
/// The HMAC that proves a request came through the Edge: over the method, path, request id, timestamp and the
/// trusted identity headers, so none of them can be changed or replayed onto another request id without the key.
/// </summary>
public static class EdgeSignature
{
    /// <summary>Base64url HMAC-SHA256 of the canonical form of the request.</summary>
    public static string Compute(
        ReadOnlySpan<byte> key,
        string method,
        string path,
        string requestId,
        long timestamp,
        EdgeCaller? caller)
    {
        var canonical = string.Join(
            '\n',
            method,
            path,
            requestId,
            timestamp.ToString(CultureInfo.InvariantCulture),
            caller?.TenantId ?? string.Empty,
            caller?.ClientId ?? string.Empty,
            caller?.Subject ?? string.Empty,
            caller?.Scopes ?? string.Empty);

        var length = Encoding.UTF8.GetMaxByteCount(canonical.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(canonical, rented);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, rented.AsSpan(0, written), mac);
            return Base64Url(mac);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>True when <paramref name="presented"/> equals the expected signature, compared in constant time.</summary>
    public static bool Matches(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));

    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
