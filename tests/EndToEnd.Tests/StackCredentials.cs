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
    public static Task<string> GetServiceTokenAsync(HttpClient edge, string scope) =>
        GetClientTokenAsync(edge, "agentcore-service", "dev-service-secret", scope);

    /// <summary>A client_credentials access token of a development client, from Identity through the Edge.</summary>
    public static async Task<string> GetClientTokenAsync(HttpClient edge, string clientId, string secret, string scope)
    {
        using var response = await RequestClientTokenAsync(edge, clientId, secret, scope);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The token endpoint answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The token endpoint's answer to a client_credentials request, whatever it is.</summary>
    public static async Task<HttpResponseMessage> RequestClientTokenAsync(HttpClient edge, string clientId, string secret, string scope)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", clientId),
            new("client_secret", secret),
            new("scope", scope),
        ]);
        return await edge.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), form, TestContext.Current.CancellationToken);
    }

    public static void Authorize(this HttpRequestMessage request, string token) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
}
