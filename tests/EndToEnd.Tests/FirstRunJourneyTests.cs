using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// What a new user tries first, end to end through the Edge: one task, its events on a Server-Sent Events stream, and
/// the audit record of that stream's connection in the audit trail.
/// </summary>
[Collection(GatewayStackGroup.Name)]
public sealed class FirstRunJourneyTests(GatewayStackFixture stack)
{
    private const string Agent = "agent-2";

    // Seconds when the machine is idle; generous because it is shared, so only a broken feature meets it.
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_task_yields_its_events_on_an_sse_stream_and_the_stream_lands_in_the_audit_trail()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var edge = stack.CreateEdgeClient();
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var token = await StackCredentials.GetServiceTokenAsync(edge, GatewayScopes.AgentsWrite + " " + GatewayScopes.EventsRead);
        var adminToken = await StackCredentials.GetClientTokenAsync(edge, "agentcore-admin", "dev-admin-secret", GatewayScopes.AuditRead);

        await using var stream = await SseStream.OpenAsync(stack.EdgeAddress, $"?agent_id={Agent}", token);
        var streamRequestId = Assert.Single(stream.Response.Headers.GetValues(GatewayHeaders.RequestId));
        var taskId = await AgentTasks.CreateAsync(edge, Agent, request => request.Authorize(token));

        var types = new List<string>();
        while (!types.Contains(AgentEventTypes.TaskCompleted))
        {
            var message = await stream.ReadEventAsync(Wait);
            var agentEvent = JsonDocument.Parse(message.Data!).RootElement;
            if (agentEvent.GetProperty("data").GetProperty("task_id").GetString() == taskId)
            {
                types.Add(message.Event!);
            }
        }

        Assert.Equal([AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted], types);

        var connected = await Eventually.ReachesAsync(
            token => ConnectionRecordsAsync(edge, adminToken, since, token),
            records => records.Any(record => record.GetProperty("request_id").GetString() == streamRequestId),
            Wait,
            cancellationToken);
        var record = connected.Single(record => record.GetProperty("request_id").GetString() == streamRequestId);
        Assert.Equal(AuditOutcomes.Success, record.GetProperty("outcome").GetString());
        Assert.Equal("acme", record.GetProperty("actor").GetProperty("tenant_id").GetString());
        Assert.Equal(Agent, record.GetProperty("details").GetProperty("agent_id").GetString());
        Assert.Equal("sse", record.GetProperty("details").GetProperty("transport").GetString());
    }

    private static async Task<IReadOnlyList<JsonElement>> ConnectionRecordsAsync(
        HttpClient edge, string adminToken, DateTimeOffset since, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Get,
            $"/api/v1/audit/events?type={AuditEventTypes.RealtimeConnected}&client_id=agentcore-service&from={Uri.EscapeDataString(since.ToString("O"))}&limit=500");
        request.Authorize(adminToken);
        using var response = await edge.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The audit query answered {(int)response.StatusCode}: {body}");
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }
}
