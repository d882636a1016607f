using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>The SHA-256 of a token as a value type: a cache key that holds no token and costs no allocation.</summary>
internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    public static TokenHash Of(string token)
    {
        var rented = token.Length <= 2048 ? null : ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(token.Length));
        try
        {
            Span<byte> buffer = rented ?? stackalloc byte[Encoding.UTF8.GetMaxByteCount(2048)];
            var length = Encoding.UTF8.GetBytes(token, buffer);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..length], hash);
            var words = MemoryMarshal.Cast<byte, ulong>(hash);
            return new TokenHash(words[0], words[1], words[2], words[3]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
