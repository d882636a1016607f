using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.EndToEnd.Tests;

namespace AgentCore.Gateway.Security.Tests;

/// <summary>
/// The attack of the issue, on the real stack: a user of one tenant floods through the shared public client
/// <c>agentcore-cli</c> until the Edge refuses them, and a user of another tenant of the same client is not refused.
/// </summary>
[Collection(GatewayStackGroup.Name)]
public sealed class FairnessTests(GatewayStackFixture stack)
{
    /// <summary>The default per-caller quota (1,000 a minute) and a margin, so the flood certainly passes it.</summary>
    private const int Flood = 1_050;

    [Fact]
    public async Task One_tenants_flood_does_not_429_another_tenants_users()
    {
        using var edge = stack.CreateEdgeClient();
        var bob = await UserTokenAsync(edge, "bob", "Bob-Passw0rd!");
        var alice = await UserTokenAsync(edge, "alice", "Alice-Passw0rd!");

        var refused = 0;
        for (var index = 0; index < Flood; index++)
        {
            using var response = await ReadTaskAsync(edge, bob, "agent-9");
            refused += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.True(refused > 0, "the flood was never limited");
        for (var index = 0; index < 20; index++)
        {
            using var response = await ReadTaskAsync(edge, alice, "agent-1");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    private static async Task<HttpResponseMessage> ReadTaskAsync(HttpClient edge, string token, string agent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/agents/{agent}/tasks/{Guid.NewGuid()}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await edge.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A user's access token of the public client <c>agentcore-cli</c> (password grant), through the Edge.</summary>
    internal static async Task<string> UserTokenAsync(HttpClient edge, string user, string password)
    {
        using var response = await PasswordGrantAsync(edge, user, password);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    internal static async Task<HttpResponseMessage> PasswordGrantAsync(HttpClient edge, string user, string password)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", "password"),
            new("client_id", "agentcore-cli"),
            new("username", user),
            new("password", password),
            new("scope", GatewayScopes.AgentsRead),
        ]);
        return await edge.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), form, TestContext.Current.CancellationToken);
    }
}
