using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>Connection decisions land on the audit stream, and never with the token.</summary>
[Collection(RealtimeGroup.Name)]
public sealed class ConnectionAuditTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task Refused_and_accepted_connections_are_audited_without_the_token()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var forged = fixture.Tokens.CreateToken(tenant, signedByStranger: true);
        var valid = fixture.Tokens.CreateToken(tenant);

        using var refused = await AgentSocket.HandshakeAsync(server.BaseAddress, agent, bearer: null, queryToken: forged);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);

        await using (var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, valid, tokenInQuery: true))
        {
            await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
        }

        var entries = await WaitForAuditAsync(agent, count: 2);
        Assert.Contains(entries, entry => entry.Contains(AuditEventTypes.RealtimeRejected, StringComparison.Ordinal) && entry.Contains("authentication_failed", StringComparison.Ordinal));
        Assert.Contains(entries, entry => entry.Contains(AuditEventTypes.RealtimeConnected, StringComparison.Ordinal) && entry.Contains(tenant, StringComparison.Ordinal));
        Assert.DoesNotContain(entries, entry => entry.Contains(forged, StringComparison.Ordinal) || entry.Contains(valid, StringComparison.Ordinal));
    }

    private async Task<List<string>> WaitForAuditAsync(string agentId, int count)
    {
        var found = new List<string>();
        for (var attempt = 0; attempt < 100 && found.Count < count; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            var entries = await fixture.Redis.GetDatabase().StreamRangeAsync(StreamNames.AuditEvents, "-", "+");
            found = [.. entries.Select(entry => entry[StreamNames.PayloadField].ToString()).Where(payload => payload.Contains(agentId, StringComparison.Ordinal))];
        }

        Assert.Equal(count, found.Count);
        return found;
    }
}
