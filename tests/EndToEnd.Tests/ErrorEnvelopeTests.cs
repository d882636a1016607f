using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.EndToEnd.Tests;

[Collection(GatewayStackGroup.Name)]
public sealed class ErrorEnvelopeTests(GatewayStackFixture stack)
{
    [Fact]
    public async Task An_unknown_route_gets_404_with_the_envelope_and_the_callers_request_id()
    {
        using var client = stack.CreateEdgeClient();
        var requestId = Guid.NewGuid().ToString("D");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/route");
        request.Headers.Add(GatewayHeaders.RequestId, requestId);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues(GatewayHeaders.RequestId)));
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.NotFound, error.GetProperty("code").GetString());
        Assert.Equal(requestId, error.GetProperty("request_id").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.Object, error.GetProperty("details").ValueKind);
        Assert.True(error.GetProperty("timestamp").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task A_non_uuid_request_id_is_refused_with_400_under_a_new_uuid()
    {
        using var client = stack.CreateEdgeClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.Add(GatewayHeaders.RequestId, "not-a-uuid");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var echoed = Assert.Single(response.Headers.GetValues(GatewayHeaders.RequestId));
        Assert.NotEqual("not-a-uuid", echoed);
        Assert.True(Guid.TryParse(echoed, out _));
    }

    [Fact]
    public async Task A_proxied_request_reaches_its_backend_with_the_same_request_id()
    {
        var key = await StackCredentials.CreateApiKeyAsync(stack, "acme", GatewayScopes.AgentsRead);
        using var client = stack.CreateEdgeClient();
        var requestId = Guid.NewGuid().ToString("D");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-1/no-such-resource");
        request.Headers.Add(GatewayHeaders.RequestId, requestId);
        request.Headers.Add(ApiKeys.Header, key);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        // The agent runtime answers 404 with its own envelope: the id it stamps proves the Edge forwarded it.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(requestId, error.GetProperty("request_id").GetString());
    }
}
