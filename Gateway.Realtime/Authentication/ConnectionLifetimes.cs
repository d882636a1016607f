using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.Revocation;

namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>Why a connection's token stopped being good.</summary>
internal enum TokenEnd
{
    Expired,
    Revoked,
}

/// <summary>
/// Ends connections with their token: each open connection watches its token, which ends when it expires or when
/// Identity revokes it (within the revocation list's delay, a few milliseconds over Redis pub/sub).
/// </summary>
internal sealed class ConnectionLifetimes(RevocationList revocations, TimeProvider time)
{
    /// <summary>Starts watching <paramref name="identity"/>'s token; dispose the result when the connection ends.</summary>
    public TokenWatch Watch(GatewayIdentity identity, Action<TokenEnd>? onEnd = null) => new(revocations, identity, time, onEnd);
}

/// <summary>One connection's watch on its token: <see cref="Ended"/> is cancelled, and the callback called, once it ends.</summary>
internal sealed class TokenWatch : IDisposable
{
    private readonly CancellationTokenSource ended = new();
    private readonly IDisposable revocation;
    private readonly ITimer expiry;
    private readonly Action<TokenEnd>? onEnd;
    private int reason = -1;

    public TokenWatch(RevocationList revocations, GatewayIdentity identity, TimeProvider time, Action<TokenEnd>? onEnd)
    {
        this.onEnd = onEnd;
        var untilExpiry = identity.Token!.ExpiresAt - time.GetUtcNow();
        expiry = time.CreateTimer(_ => End(TokenEnd.Expired), null, untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        revocation = revocations.Watch(identity, () => End(TokenEnd.Revoked));
    }

    public CancellationToken Ended => ended.Token;

    /// <summary>Why the token ended; null while it is still good.</summary>
    public TokenEnd? Reason => Volatile.Read(ref reason) is var value and >= 0 ? (TokenEnd)value : null;

    public void Dispose()
    {
        revocation.Dispose();
        expiry.Dispose();
        ended.Dispose();
    }

    private void End(TokenEnd why)
    {
        if (Interlocked.CompareExchange(ref reason, (int)why, -1) != -1)
        {
            return;
        }

        onEnd?.Invoke(why);
        try
        {
            ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended first.
        }
    }
}
