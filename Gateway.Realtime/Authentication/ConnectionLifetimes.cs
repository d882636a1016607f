using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.Revocation;
using AgentCore.Gateway.Realtime.Connections;

namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>Why a connection's token stopped being good.</summary>
internal enum TokenEnd
{
    Expired,
    Revoked,
}

/// <summary>
/// Ends connections with their token: each open connection watches its token, which ends when it expires (checked on
/// the shared <see cref="ConnectionClock"/>, so within its resolution) or when Identity revokes it (within the
/// revocation list's delay, a few milliseconds over Redis pub/sub).
/// </summary>
internal sealed class ConnectionLifetimes(RevocationList revocations, ConnectionClock clock)
{
    /// <summary>Starts watching <paramref name="identity"/>'s token; dispose the result when the connection ends.</summary>
    public TokenWatch Watch(GatewayIdentity identity, Action<TokenEnd>? onEnd = null) => new(revocations, clock, identity, onEnd);
}

/// <summary>
/// One connection's watch on its token: the callback is called, and <see cref="Ended"/> cancelled, once it ends. It
/// holds no timer of its own, and creates the cancellation source only for a caller that asks for <see cref="Ended"/>.
/// </summary>
internal sealed class TokenWatch : IClockWatcher, IDisposable
{
    private readonly ConnectionClock clock;
    private readonly IDisposable revocation;
    private readonly DateTimeOffset expiresAt;
    private readonly Action<TokenEnd>? onEnd;
    private CancellationTokenSource? ended;
    private int reason = -1;

    public TokenWatch(RevocationList revocations, ConnectionClock clock, GatewayIdentity identity, Action<TokenEnd>? onEnd)
    {
        this.clock = clock;
        this.onEnd = onEnd;
        expiresAt = identity.Token!.ExpiresAt;
        clock.Add(this);
        revocation = revocations.Watch(identity, () => End(TokenEnd.Revoked));
    }

    /// <summary>Cancelled once the token ends.</summary>
    public CancellationToken Ended
    {
        get
        {
            var source = LazyInitializer.EnsureInitialized(ref ended);

            // The token may have ended before anyone asked; End only cancels a source it saw.
            if (Reason is not null)
            {
                Cancel(source);
            }

            return source.Token;
        }
    }

    /// <summary>Why the token ended; null while it is still good.</summary>
    public TokenEnd? Reason => Volatile.Read(ref reason) is var value and >= 0 ? (TokenEnd)value : null;

    public void Tick(DateTimeOffset now)
    {
        if (now >= expiresAt)
        {
            End(TokenEnd.Expired);
        }
    }

    public void Dispose()
    {
        clock.Remove(this);
        revocation.Dispose();
        Interlocked.Exchange(ref ended, null)?.Dispose();
    }

    private void End(TokenEnd why)
    {
        if (Interlocked.CompareExchange(ref reason, (int)why, -1) != -1)
        {
            return;
        }

        clock.Remove(this);
        onEnd?.Invoke(why);
        if (Volatile.Read(ref ended) is { } source)
        {
            Cancel(source);
        }
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended first.
        }
    }
}
