using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.Limits;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using AgentCore.Gateway.Realtime.WebSockets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.Hubs;

/// <summary>
/// <c>/hubs/agents</c>: the same events as the WebSocket endpoint for SignalR clients. Clients call
/// <c>Subscribe(agentId, eventTypes)</c> and <c>Unsubscribe(agentId, eventTypes)</c>, and receive
/// <c>event(id, agentEvent)</c>. When the token expires or is revoked the client receives <c>error({code, message})</c>,
/// then SignalR's close message with the same reason (<c>token revoked</c>, <c>token expired</c>), and the connection is
/// aborted. A connection counts against the same limits as WebSockets and event streams: the
/// caller's and the tenant's connection quota and this instance's connection limit.
/// </summary>
[Authorize(Policy = RealtimeAuthenticationExtensions.EventsReadPolicy)]
internal sealed class AgentsHub(
    HubSubscriptions subscriptions,
    AgentTenants agents,
    ConnectionLifetimes lifetimes,
    AgentsHubLifetimeManager connections,
    ConnectionQuota quota,
    WebSocketConnectionLimit limit,
    ConnectionAudit audit,
    RealtimeMetrics metrics,
    IOptions<AgentWebSocketOptions> options,
    TimeProvider time) : Hub
{
    private const string StartedKey = "started";
    private const string TokenKey = "token";
    private const string LeaseKey = "lease";

    /// <summary>How long the reason of a token's end may take to reach the transport before the connection is aborted anyway.</summary>
    private static readonly TimeSpan EndSendTimeout = TimeSpan.FromSeconds(2);

    public override async Task OnConnectedAsync()
    {
        var http = Context.GetHttpContext();
        if (!limit.TryEnter())
        {
            Refuse(http, "connection_limit", "This instance has reached its connection limit; retry later.");
        }

        var (lease, refusal) = await quota.TryAcquireAsync(Context.User!.TenantId(), Context.User!.FindFirstValue(GatewayClaims.Subject) ?? string.Empty);
        if (lease is null)
        {
            limit.Exit();
            Refuse(http, refusal == QuotaRefusal.Subject ? "connection_limit_subject" : "connection_limit_tenant",
                "The caller or its tenant already holds as many realtime connections as allowed.");
        }

        Context.Items[LeaseKey] = lease;
        Context.Items[StartedKey] = time.GetTimestamp();
        if (http is not null)
        {
            audit.Connected(http, RealtimeTransports.SignalR, agentId: null);
        }

        var connectionId = Context.ConnectionId;
        Context.Items[TokenKey] = lifetimes.Watch(Context.User!.AccessToken(), ended => _ = EndAsync(connectionId, ended));
        metrics.Connected(RealtimeTransports.SignalR);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        if (Context.Items.TryGetValue(TokenKey, out var watch) && watch is IDisposable tokenWatch)
        {
            tokenWatch.Dispose();
        }

        if (Context.Items.TryGetValue(LeaseKey, out var value) && value is ConnectionLease lease)
        {
            // Only a connection that was admitted holds a lease and a place in the instance's limit.
            limit.Exit();
            await lease.DisposeAsync();
            var started = Context.Items.TryGetValue(StartedKey, out var stamp) && stamp is long timestamp ? timestamp : time.GetTimestamp();
            metrics.Disconnected(RealtimeTransports.SignalR, time.GetElapsedTime(started), exception is null ? "closed" : "error");
        }

        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>Subscribes to event types of one agent of the caller's tenant; returns every type now subscribed for it.</summary>
    public async Task<string[]> Subscribe(string agentId, string[] eventTypes)
    {
        ArgumentNullException.ThrowIfNull(eventTypes);
        if (eventTypes.FirstOrDefault(type => !AgentEventTypes.All.Contains(type)) is not null)
        {
            throw new HubException($"Unknown event type; expected one of {string.Join(", ", AgentEventTypes.All)}.");
        }

        var tenantId = Context.User!.TenantId();
        if (await agents.FindTenantAsync(agentId) != tenantId)
        {
            throw new HubException("No agent with this id belongs to the caller's tenant.");
        }

        return [.. subscriptions.Subscribe(Context, tenantId, agentId, eventTypes, options.Value.SendQueueCapacity).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Tells the client why, as an <c>error</c> message and as the reason of SignalR's close message, then aborts the
    /// connection; a client that reads nothing delays the abort by <see cref="EndSendTimeout"/> at most.
    /// </summary>
    private async Task EndAsync(string connectionId, TokenEnd ended)
    {
        var reason = ended == TokenEnd.Revoked ? "token revoked" : "token expired";
        using var timeout = new CancellationTokenSource(EndSendTimeout, time);
        await connections.CloseAsync(
            connectionId,
            new InvocationMessage("error", [new { code = ErrorCodes.AuthenticationFailed, message = reason }]),
            reason,
            timeout.Token);
    }

    /// <summary>Unsubscribes event types of one agent; returns the types still subscribed for it.</summary>
    public string[] Unsubscribe(string agentId, string[] eventTypes) =>
        [.. subscriptions.Unsubscribe(Context.ConnectionId, agentId, eventTypes).Order(StringComparer.Ordinal)];

    [DoesNotReturn]
    private void Refuse(HttpContext? http, string reason, string message)
    {
        if (http is not null)
        {
            audit.Rejected(http, reason);
        }

        throw new HubException(message);
    }
}
