using System.Threading.Channels;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AgentCore.Gateway.Realtime.Tests;

[Collection(RealtimeGroup.Name)]
public sealed class AgentsHubTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task Hub_client_subscribes_and_receives_its_agents_events()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var connection = server.ConnectHub(fixture.Tokens.CreateToken(tenant));
        var received = Channel.CreateUnbounded<(string Id, AgentEvent Event)>();
        connection.On<string, AgentEvent>("event", (id, agentEvent) => received.Writer.TryWrite((id, agentEvent)));
        await connection.StartAsync(TestContext.Current.CancellationToken);

        var subscribed = await connection.InvokeAsync<string[]>("Subscribe", agent, new[] { AgentEventTypes.TaskCompleted }, TestContext.Current.CancellationToken);
        await fixture.PublishAsync(Ids.Tenant(), agent);
        var expected = await fixture.PublishAsync(tenant, agent);

        Assert.Equal([AgentEventTypes.TaskCompleted], subscribed);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var (id, agentEvent) = await received.Reader.ReadAsync(timeout.Token);
        Assert.Equal(expected, id);
        Assert.Equal(tenant, agentEvent.TenantId);
    }

    [Fact]
    public async Task Hub_refuses_a_subscription_to_an_agent_of_another_tenant_or_an_unknown_one()
    {
        await using var server = fixture.StartRealtime();
        var (_, foreign) = await fixture.NewAgentAsync();
        await using var connection = server.ConnectHub(fixture.Tokens.CreateToken(Ids.Tenant()));
        await connection.StartAsync(TestContext.Current.CancellationToken);

        foreach (var agent in new[] { foreign, Ids.Agent() })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() =>
                connection.InvokeAsync<string[]>("Subscribe", agent, new[] { AgentEventTypes.TaskCompleted }, TestContext.Current.CancellationToken));
            Assert.Contains("No agent with this id", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hub_without_a_token_is_refused()
    {
        await using var server = fixture.StartRealtime();
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "/hubs/agents")).Build();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
