using System.Net;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.EndToEnd.Tests;

[Collection(GatewayStackGroup.Name)]
public sealed class EdgePipelineTests(GatewayStackFixture stack)
{
    [Fact]
    public async Task An_oversized_body_gets_413_with_the_envelope()
    {
        var key = await StackCredentials.CreateApiKeyAsync(stack, "acme", GatewayScopes.AgentsWrite);
        using var client = stack.CreateEdgeClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agents/agent-1/tasks")
        {
            Content = new StringContent(new string(' ', 1024 * 1024) + AgentTasks.Json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ApiKeys.Header, key);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ErrorCodes.PayloadTooLarge, (await ErrorEnvelope.ErrorOf(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_api_key_creates_a_task_through_the_edge()
    {
        var key = await StackCredentials.CreateApiKeyAsync(stack, "acme", GatewayScopes.AgentsWrite);
        using var client = stack.CreateEdgeClient();

        using var response = await AgentTasks.PostAsync(client, "agent-1", request => request.Headers.Add(ApiKeys.Header, key));

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.Equal("created", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_stopped_backend_gets_503_with_retry_after_and_recovers_when_it_is_back()
    {
        var key = await StackCredentials.CreateApiKeyAsync(stack, "acme", GatewayScopes.AgentsRead);
        using var client = stack.CreateEdgeClient();
        var path = $"/api/v1/agents/agent-1/tasks/{Guid.NewGuid()}";

        await stack.StopResourceAsync(ServiceNames.AgentRuntime, TestContext.Current.CancellationToken);
        try
        {
            var unavailable = await Eventually.ReachesAsync(
                _ => GetAsync(client, path, key),
                response => response.StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(90),
                TestContext.Current.CancellationToken);
            Assert.NotNull(unavailable.Headers.RetryAfter);
            Assert.Equal(ErrorCodes.ServiceUnavailable, (await ErrorEnvelope.ErrorOf(unavailable)).GetProperty("code").GetString());
        }
        finally
        {
            await stack.StartResourceAsync(ServiceNames.AgentRuntime, TestContext.Current.CancellationToken);
        }

        // Back: the backend itself answers (an unknown task is its 404, not the Edge's 503).
        var recovered = await Eventually.ReachesAsync(
            _ => GetAsync(client, path, key),
            response => response.StatusCode == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(90),
            TestContext.Current.CancellationToken);
        Assert.Equal(ErrorCodes.NotFound, (await ErrorEnvelope.ErrorOf(recovered)).GetProperty("code").GetString());
    }

    // The token tests need Identity's client_credentials grant (issue 3).
    [Fact]
    public async Task A_service_token_creates_a_task_with_the_contracts_fields()
    {
        using var client = stack.CreateEdgeClient();
        var token = await StackCredentials.GetServiceTokenAsync(client, "agents.read agents.write");

        using var response = await AgentTasks.PostAsync(client, "agent-1", request => request.Authorize(token));

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var created = JsonDocument.Parse(body).RootElement;
        Assert.True(Guid.TryParse(created.GetProperty("task_id").GetString(), out _));
        Assert.Equal("created", created.GetProperty("status").GetString());
        Assert.Equal("agent-1", created.GetProperty("agent_id").GetString());
        Assert.True(created.GetProperty("estimated_completion").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task A_task_for_another_tenants_agent_gets_404()
    {
        using var client = stack.CreateEdgeClient();
        var token = await StackCredentials.GetServiceTokenAsync(client, "agents.write");

        using var response = await AgentTasks.PostAsync(client, "agent-9", request => request.Authorize(token));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_token_without_agents_write_gets_403()
    {
        using var client = stack.CreateEdgeClient();
        var token = await StackCredentials.GetServiceTokenAsync(client, "agents.read");

        using var response = await AgentTasks.PostAsync(client, "agent-1", request => request.Authorize(token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ErrorCodes.AuthorizationDenied, (await ErrorEnvelope.ErrorOf(response)).GetProperty("code").GetString());
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(ApiKeys.Header, key);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
