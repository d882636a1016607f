using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class ApiKeyTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string TasksPath = "/api/v1/agents/agent-1/tasks";

    [Fact]
    public async Task A_valid_key_authenticates_as_its_tenant_and_is_not_forwarded()
    {
        var key = await CreateKeyAsync("acme", ["agents.read"], DateTimeOffset.UtcNow.AddHours(1));
        using var client = edge.CreateClient();

        using var response = await SendAsync(client, key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("acme", echo.GetProperty("tenant").GetString());
        Assert.Equal("agents.read", echo.GetProperty("scopes").GetString());
        Assert.Equal(string.Empty, echo.GetProperty("api_key").GetString());
    }

    [Fact]
    public async Task A_wrong_key_gets_401()
    {
        using var client = edge.CreateClient();
        using var response = await SendAsync(client, ApiKeys.Prefix + Guid.NewGuid().ToString("N"));
        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task An_expired_key_gets_401()
    {
        var key = await CreateKeyAsync("acme", ["agents.read"], DateTimeOffset.UtcNow.AddMinutes(-1));
        using var client = edge.CreateClient();
        using var response = await SendAsync(client, key);
        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_even_though_it_was_cached()
    {
        var key = await CreateKeyAsync("acme", ["agents.read"], DateTimeOffset.UtcNow.AddHours(1));
        using var client = edge.CreateClient();
        using (var before = await SendAsync(client, key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Identity's revocation, per the contract: delete the record and announce the hash. The cache lasts minutes.
        var hash = ApiKeys.Hash(key);
        await edge.Redis.GetDatabase().KeyDeleteAsync(ApiKeys.RedisKey(hash));
        await edge.Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(ApiKeys.RevocationChannel), hash);

        var status = HttpStatusCode.OK;
        for (var attempt = 0; attempt < 100 && status == HttpStatusCode.OK; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            using var after = await SendAsync(client, key);
            status = after.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private async Task<string> CreateKeyAsync(string tenant, string[] scopes, DateTimeOffset expiresAt)
    {
        var key = ApiKeys.Prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var record = new ApiKeyRecord(Guid.NewGuid().ToString("N"), "test key", tenant, scopes, expiresAt);
        await edge.Redis.GetDatabase().StringSetAsync(ApiKeys.RedisKey(ApiKeys.Hash(key)), JsonSerializer.Serialize(record));
        return key;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.Add(ApiKeys.Header, key);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
