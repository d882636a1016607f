using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.Hubs;

/// <summary>
/// The Redis backplane's lifetime manager for <see cref="AgentsHub"/>, which also keeps this instance's connections by
/// id, so that a connection can be closed with SignalR's own close message carrying the reason. A client learns the
/// reason from its <c>Closed</c> event, which SignalR's clients may raise before their handlers of messages sent just
/// before it have run.
/// </summary>
internal sealed class AgentsHubLifetimeManager(
    ILogger<RedisHubLifetimeManager<AgentsHub>> logger,
    IOptions<RedisOptions> options,
    IHubProtocolResolver protocols,
    IOptions<HubOptions> globalHubOptions,
    IOptions<HubOptions<AgentsHub>> hubOptions)
    : RedisHubLifetimeManager<AgentsHub>(logger, options, protocols, globalHubOptions, hubOptions)
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> local = new(StringComparer.Ordinal);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        local[connection.ConnectionId] = connection;
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        local.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }

    /// <summary>
    /// Sends <paramref name="message"/> to the connection, then SignalR's close message with <paramref name="reason"/>
    /// (no reconnect), each flushed to the transport before the next, and aborts the connection: a connection whose
    /// token ended must go even when the client reads nothing, so the sends are bounded by <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task CloseAsync(string connectionId, HubMessage message, string reason, CancellationToken cancellationToken)
    {
        if (!local.TryGetValue(connectionId, out var connection))
        {
            return;
        }

        try
        {
            await connection.WriteAsync(message, cancellationToken);
            await connection.WriteAsync(new CloseMessage(reason, allowReconnect: false), cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // Aborting is what matters.
        }
        finally
        {
            connection.Abort();
        }
    }
}
