using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using Aspire.Hosting.Testing;
using StackExchange.Redis;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>Credentials for calls through the Edge of the running stack.</summary>
internal static class StackCredentials
{
    /// <summary>
    /// An API key written straight to the stack's Redis per the <see cref="ApiKeys"/> contract, as Identity's admin
    /// API would, so tests of the Edge do not depend on that API.
    /// </summary>
    public static async Task<string> CreateApiKeyAsync(GatewayStackFixture stack, string tenant, params string[] scopes)
    {
        var connectionString = await stack.App.GetConnectionStringAsync(ServiceNames.Redis, TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException("The stack has no Redis connection string.");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var key = ApiKeys.Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var record = new ApiKeyRecord(Guid.NewGuid().ToString("N"), "end-to-end test", tenant, scopes, DateTimeOffset.UtcNow.AddHours(1));
        await redis.GetDatabase().StringSetAsync(ApiKeys.RedisKey(ApiKeys.Hash(key)), JsonSerializer.Serialize(record));
        return key;
    }

    /// <summary>A client_credentials access token of the development client <c>agentcore-service</c> (tenant acme), from Identity through the Edge.</summary>
    public static async Task<string> GetServiceTokenAsync(HttpClient edge, string scope)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", "agentcore-service"),
            new("client_secret", "dev-service-secret"),
            new("scope", scope),
        ]);
        using var response = await edge.PostAsync("/api/v1/auth/token", form, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The token endpoint answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public static void Authorize(this HttpRequestMessage request, string token) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
}
