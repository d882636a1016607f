using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

/// <summary>
/// The HMAC that proves a request came through the Edge: over the method, path, request id, timestamp and the
/// trusted identity headers, so none of them can be changed or replayed onto another request id without the key.
/// </summary>
public static class EdgeSignature
{
    private const int TimestampField = 3;

    /// <summary>Base64url HMAC-SHA256 of the canonical form of the request.</summary>
    public static string Compute(
        ReadOnlySpan<byte> key,
        string method,
        string path,
        string requestId,
        long timestamp,
        EdgeCaller? caller)
    {
        Span<char> stamp = stackalloc char[20];
        timestamp.TryFormat(stamp, out var stampLength, provider: CultureInfo.InvariantCulture);
        ReadOnlySpan<string> fields =
        [
            method, path, requestId, string.Empty,
            caller?.TenantId ?? string.Empty, caller?.ClientId ?? string.Empty, caller?.Subject ?? string.Empty, caller?.Scopes ?? string.Empty,
        ];

        // The canonical form is the fields joined by '\n', the timestamp fourth, written as UTF-8 straight into one buffer.
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
