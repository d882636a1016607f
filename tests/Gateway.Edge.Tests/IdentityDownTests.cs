using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>An Edge started while Identity is down: its stand-in refuses connections until a test brings it up.</summary>
public sealed class IdentityDownAtStartFixture : EdgeFixture
{
    protected override Task<GatewayTokenServer> StartTokenServerAsync(Uri publicAddress) =>
        Task.FromResult(GatewayTokenServer.CreateDown(FreePort.Next(), publicAddress));

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Authentication:Jwt:KeyRetryInterval"] = "00:00:01",
    };
}

/// <summary>
/// An Edge that cannot fetch Identity's signing keys cannot tell a good token from a bad one: it answers 503 with
/// <c>Retry-After</c> until Identity is back, and only then accepts the good tokens and refuses the bad ones (401).
/// </summary>
public sealed class IdentityDownTests(IdentityDownAtStartFixture edge) : IClassFixture<IdentityDownAtStartFixture>
{
    private const string TasksPath = "/api/v1/agents/agent-1/tasks";

    [Fact]
    public async Task A_valid_token_is_503_with_retry_after_while_identity_is_down_and_accepted_once_it_is_up()
    {
        using var client = edge.CreateClient();
        var token = edge.ValidToken();

        foreach (var attempt in new[] { token, edge.Tokens.CreateToken(EdgeFixture.Tenant, signedByStranger: true) })
        {
            using var down = await SendAsync(client, attempt);
            var error = await Envelope.AssertAsync(down, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServiceUnavailable);
            Assert.True(down.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), error.ToString());
            Assert.Empty(down.Headers.WwwAuthenticate);
        }

        using (var mcp = await SendToolsListAsync(client))
        {
            // The MCP front door validates the token itself, with the same answer.
            await Envelope.AssertAsync(mcp, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServiceUnavailable);
            Assert.NotNull(mcp.Headers.RetryAfter);
        }

        using (var malformed = await SendAsync(client, "not-a-token"))
        {
            // What needs no key is refused as before.
            await Envelope.AssertAsync(malformed, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
        }

        await edge.Tokens.ListenAsync();

        // The Edge asks Identity again once its KeyRetryInterval (1 s here) has passed since the failed attempt.
        var status = await GatewayTokenServer.StatusOnceKeysAreFetchedAsync(() => SendAsync(client, token), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, status);
        using var forged = await SendAsync(client, edge.Tokens.CreateToken(EdgeFixture.Tenant, signedByStranger: true));
        await Envelope.AssertAsync(forged, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    private async Task<HttpResponseMessage> SendToolsListAsync(HttpClient client)
    {
        var payload = GatewayTokenServer.Payload(EdgeFixture.Tenant, "agents.read");
        payload["aud"] = GatewayTokenServer.Issuer + "mcp/agent-tools";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp/agent-tools")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", edge.Tokens.Sign(GatewayTokenServer.Header(), payload));
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
