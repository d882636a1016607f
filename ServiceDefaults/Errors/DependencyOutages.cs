using System.Data.Common;
using System.Net.Sockets;
using StackExchange.Redis;

namespace AgentCore.Gateway.ServiceDefaults.Errors;

/// <summary>
/// Tells a dependency that is away (a database or Redis that does not answer) from a fault of the service: the first is
/// 503 <c>SERVICE_UNAVAILABLE</c> with <c>Retry-After</c>, since the same request will succeed once it is back.
/// </summary>
public static class DependencyOutages
{
    /// <summary>What <c>Retry-After</c> says while a dependency is away: about as long as a restart takes.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// True when <paramref name="exception"/> or an inner one reports an unreachable or failing dependency: a database
    /// error its driver calls transient (a refused or broken connection, a server shutting down), a socket error, a
    /// timeout, or a Redis connection failure.
    /// </summary>
    public static bool IsOutage(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException { IsTransient: true } or SocketException or TimeoutException or RedisConnectionException or RedisTimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}
