using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>Connection limits per subject and per tenant, shared by every instance, and the SignalR subscription cap.</summary>
[Collection(RealtimeGroup.Name)]
public sealed class ConnectionLimitTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task Streams_past_the_subjects_limit_get_429_with_the_envelope_until_one_closes()
    {
        await using var server = fixture.StartRealtime(Limits(perSubject: 2));
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        using var client = server.CreateHttpClient();
        var first = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", token);
        await using var second = await SseStream.OpenAsync(server.BaseAddress, string.Empty, token);

        using (var refused = await SseStream.RequestAsync(client, $"?agent_id={agent}", token))
        {
            await AssertTooManyAsync(refused, "subject");
        }

        await first.DisposeAsync();
        await using var third = await Eventually.OpenAsync(() => SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", token));
    }

    [Fact]
    public async Task The_tenants_limit_counts_every_subject_of_the_tenant()
    {
        await using var server = fixture.StartRealtime(Limits(perSubject: 5, perTenant: 2));
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var user = await SseStream.OpenAsync(server.BaseAddress, string.Empty, fixture.Tokens.CreateToken(tenant));
        await using var service = await SseStream.OpenAsync(server.BaseAddress, string.Empty, fixture.Tokens.CreateClientToken("svc-a", GatewayScopes.EventsRead, tenant));

        using var refused = await AgentSocket.HandshakeAsync(server.BaseAddress, agent, fixture.Tokens.CreateClientToken("svc-b", GatewayScopes.EventsRead, tenant));

        await AssertTooManyAsync(refused, "tenant");
        var (otherTenant, otherAgent) = await fixture.NewAgentAsync();
        await using var unaffected = await AgentSocket.ConnectAsync(server.BaseAddress, otherAgent, fixture.Tokens.CreateToken(otherTenant));
    }

    [Fact]
    public async Task The_limit_holds_across_instances_and_across_transports()
    {
        await using var first = fixture.StartRealtime(Limits(perSubject: 1));
        await using var second = fixture.StartRealtime(Limits(perSubject: 1));
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        await using var socket = await AgentSocket.ConnectAsync(first.BaseAddress, agent, token);

        using var client = second.CreateHttpClient();
        using var refused = await SseStream.RequestAsync(client, string.Empty, token);

        await AssertTooManyAsync(refused, "subject");
    }

    [Fact]
    public async Task A_hub_connection_counts_against_the_same_limit()
    {
        await using var server = fixture.StartRealtime(Limits(perSubject: 1));
        var (tenant, _) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        await using var stream = await SseStream.OpenAsync(server.BaseAddress, string.Empty, token);
        await using var connection = server.ConnectHub(token);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        try
        {
            await connection.StartAsync(TestContext.Current.CancellationToken);
            var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Contains("realtime connections", error?.Message ?? string.Empty, StringComparison.Ordinal);
        }
        catch (Exception refused) when (refused is HubException or InvalidOperationException or HttpRequestException)
        {
            Assert.Contains("realtime connections", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_hub_connection_may_subscribe_to_a_limited_number_of_agents_at_once()
    {
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:Limits:MaxAgentsPerHubConnection"] = "2" });
        var tenant = Ids.Tenant();
        string[] agents = [await fixture.NewAgentAsync(tenant), await fixture.NewAgentAsync(tenant), await fixture.NewAgentAsync(tenant)];
        await using var connection = server.ConnectHub(fixture.Tokens.CreateToken(tenant));
        await connection.StartAsync(TestContext.Current.CancellationToken);
        string[] types = [AgentEventTypes.TaskCompleted];
        var cancellationToken = TestContext.Current.CancellationToken;

        await connection.InvokeAsync<string[]>("Subscribe", agents[0], types, cancellationToken);
        await connection.InvokeAsync<string[]>("Subscribe", agents[1], types, cancellationToken);
        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<string[]>("Subscribe", agents[2], types, cancellationToken));

        Assert.Contains("at most 2 agents", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await connection.InvokeAsync<string[]>("Unsubscribe", agents[0], types, cancellationToken));
        Assert.Equal(types, await connection.InvokeAsync<string[]>("Subscribe", agents[2], types, cancellationToken));
    }

    private static Dictionary<string, string?> Limits(int perSubject, int perTenant = 1000) => new()
    {
        ["Realtime:Limits:MaxConnectionsPerSubject"] = perSubject.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Realtime:Limits:MaxConnectionsPerTenant"] = perTenant.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string limit)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.RateLimitExceeded, error.GetProperty("code").GetString());
        Assert.Equal(limit, error.GetProperty("details").GetProperty("limit").GetString());
    }
}

/// <summary>Retries what depends on work the server finishes after answering, such as releasing a closed connection's place.</summary>
internal static class Eventually
{
    public static async Task<T> OpenAsync<T>(Func<Task<T>> open)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await open();
            }
            catch (Xunit.Sdk.XunitException) when (attempt < 50)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
    }
}
