using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using AgentCore.Gateway.TestSupport;
using CsCheck;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>
/// Realtime answers only what the Edge signed (the tests' hosts play the Edge in front, see <see cref="EdgeInFront"/>),
/// and refuses every credential it cannot validate with 401, never a 500.
/// </summary>
[Collection(RealtimeGroup.Name)]
public sealed class EdgeOnlyTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task Calls_around_the_edge_get_401_with_the_envelope_and_probes_stay_open()
    {
        await using var server = fixture.StartRealtime();
        using var client = server.CreateHttpClient();
        client.DefaultRequestHeaders.Add(EdgeInFront.AroundTheEdgeHeader, "1");
        var token = fixture.Tokens.CreateToken(Ids.Tenant());

        using var stream = await SseStream.RequestAsync(client, $"?agent_id={Ids.Agent()}", token);
        using var handshake = await client.SendAsync(AgentSocket.HandshakeRequest(Ids.Agent(), token), TestContext.Current.CancellationToken);
        using var negotiate = await client.PostAsync(new Uri($"/hubs/agents/negotiate?negotiateVersion=1&access_token={token}", UriKind.Relative), null, TestContext.Current.CancellationToken);
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        foreach (var refused in new[] { stream, handshake, negotiate })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var error = (await refused.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
            Assert.Equal(ErrorCodes.AuthenticationFailed, error.GetProperty("code").GetString());
            Assert.Equal("The request did not come through the gateway.", error.GetProperty("message").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Generated_hostile_credentials_get_401_with_the_envelope_never_a_500()
    {
        await using var server = fixture.StartRealtime();
        using var client = server.CreateHttpClient();

        await HostileCredentials.AuthorizationHeaders(fixture.Tokens).SampleAsync(async lines =>
        {
            using var request = AgentSocket.HandshakeRequest(Ids.Agent(), bearer: null);
            request.Headers.TryAddWithoutValidation("Authorization", lines);
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{response.StatusCode} for [{string.Join(" | ", lines)}]");
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
            Assert.Equal(ErrorCodes.AuthenticationFailed, error.GetProperty("code").GetString());
        }, iter: 100);
    }
}
