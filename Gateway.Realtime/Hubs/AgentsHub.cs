using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using AgentCore.Gateway.Realtime.WebSockets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.Hubs;

/// <summary>
/// <c>/hubs/agents</c>: the same events as the WebSocket endpoint for SignalR clients. Clients call
/// <c>Subscribe(agentId, eventTypes)</c> and <c>Unsubscribe(agentId, eventTypes)</c>, and receive
/// <c>event(id, agentEvent)</c>. When the token expires or is revoked the client receives <c>error({code, message})</c>
/// and the connection is aborted.
/// </summary>
[Authorize(Policy = RealtimeAuthenticationExtensions.EventsReadPolicy)]
internal sealed class AgentsHub(
    HubSubscriptions subscriptions,
    AgentTenants agents,
    ConnectionLifetimes lifetimes,
    IHubContext<AgentsHub> hub,
    ConnectionAudit audit,
    RealtimeMetrics metrics,
    IOptions<AgentWebSocketOptions> options,
    TimeProvider time) : Hub
{
    private const string StartedKey = "started";
    private const string TokenKey = "token";

    public override Task OnConnectedAsync()
    {
        Context.Items[StartedKey] = time.GetTimestamp();
        if (Context.GetHttpContext() is { } http)
        {
            audit.Connected(http, RealtimeTransports.SignalR, agentId: null);
        }

        var connection = Context;
        var client = hub.Clients.Client(connection.ConnectionId);
        Context.Items[TokenKey] = lifetimes.Watch(Context.User!.AccessToken(), ended => _ = EndAsync(client, connection, ended));
        metrics.Connected(RealtimeTransports.SignalR);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        (Context.Items[TokenKey] as IDisposable)?.Dispose();
        var started = Context.Items.TryGetValue(StartedKey, out var value) && value is long timestamp ? timestamp : time.GetTimestamp();
        metrics.Disconnected(RealtimeTransports.SignalR, time.GetElapsedTime(started), exception is null ? "closed" : "error");
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Subscribes to event types of one agent of the caller's tenant; returns every type now subscribed for it.</summary>
    public async Task<string[]> Subscribe(string agentId, string[] eventTypes)
    {
        ArgumentNullException.ThrowIfNull(eventTypes);
        if (eventTypes.FirstOrDefault(type => !AgentEventTypes.All.Contains(type)) is { } unknown)
        {
            throw new HubException($"Unknown event type '{unknown}'; expected one of {string.Join(", ", AgentEventTypes.All)}.");
        }

        var tenantId = Context.User!.TenantId();
        if (await agents.BelongsToAnotherTenantAsync(agentId, tenantId).ConfigureAwait(false))
        {
            throw new HubException("The agent does not belong to the caller's tenant.");
        }

        return [.. subscriptions.Subscribe(Context, tenantId, agentId, eventTypes, options.Value.SendQueueCapacity).Order(StringComparer.Ordinal)];
    }

    /// <summary>Tells the client why (briefly: it may already be gone), then aborts the connection.</summary>
    private static async Task EndAsync(ISingleClientProxy client, HubCallerContext connection, TokenEnd ended)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.SendAsync(
                "error",
                new { code = ErrorCodes.AuthenticationFailed, message = ended == TokenEnd.Revoked ? "token revoked" : "token expired" },
                timeout.Token).ConfigureAwait(false);
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

    /// <summary>Unsubscribes event types of one agent; returns the types still subscribed for it.</summary>
    public string[] Unsubscribe(string agentId, string[] eventTypes) =>
        [.. subscriptions.Unsubscribe(Context.ConnectionId, agentId, eventTypes).Order(StringComparer.Ordinal)];
}
