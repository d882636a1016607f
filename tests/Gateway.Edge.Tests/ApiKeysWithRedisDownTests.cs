using System.Net;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>An Edge of its own, whose redis-server a test stops.</summary>
public sealed class RedisDownFixture : EdgeFixture;

/// <summary>
/// API keys live in Redis. With Redis gone the Edge cannot tell a good key from a bad one, so it answers 503 with
/// <c>Retry-After</c> (the caller's key may be fine), not 401 (which tells a client to throw its key away).
/// </summary>
public sealed class ApiKeysWithRedisDownTests(RedisDownFixture edge) : IClassFixture<RedisDownFixture>
{
    [Fact]
    public async Task A_key_that_cannot_be_looked_up_gets_503_with_retry_after_not_401()
    {
        await edge.StopRedisAsync();
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-1/tasks");
        request.Headers.Add(ApiKeys.Header, ApiKeys.Prefix + Guid.NewGuid().ToString("N"));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var error = await Envelope.AssertAsync(response, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), error.ToString());
        Assert.Empty(response.Headers.WwwAuthenticate);
    }
}
