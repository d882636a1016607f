using System.Net;
using System.Net.Http.Headers;
using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// A revocation Identity announces (as <see cref="TokenRevocations"/> says, into the real Redis) turns a token the
/// Edge has already validated and cached into a 401 within the 5-second bound.
/// </summary>
public sealed class RevocationTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string TasksPath = "/api/v1/agents/agent-1/tasks";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Kinds() =>
        [TokenRevocationKinds.Token, TokenRevocationKinds.Authorization, TokenRevocationKinds.Subject, TokenRevocationKinds.Client];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_revoked_token_is_refused_within_the_bound(string kind)
    {
        var subject = "user-" + Guid.NewGuid().ToString("N");
        var client = "client-" + Guid.NewGuid().ToString("N");
        var payload = TestSupport.GatewayTokenServer.Payload(EdgeFixture.Tenant, EdgeFixture.AllScopes);
        payload[GatewayClaims.Subject] = subject;
        payload[GatewayClaims.ClientId] = client;
        payload[TokenRevocations.AuthorizationIdClaim] = "authorization-" + Guid.NewGuid().ToString("N");
        var token = edge.Tokens.Sign(TestSupport.GatewayTokenServer.Header(), payload);
        using var http = edge.CreateClient();
        using (var before = await GetAsync(http, token))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var value = kind switch
        {
            TokenRevocationKinds.Token => payload[GatewayClaims.TokenId]!.GetValue<string>(),
            TokenRevocationKinds.Authorization => payload[TokenRevocations.AuthorizationIdClaim]!.GetValue<string>(),
            TokenRevocationKinds.Subject => subject,
            _ => client,
        };
        await AnnounceAsync(new TokenRevocation(kind, value, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()));

        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            using var response = await GetAsync(http, token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var error = await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
                Assert.Equal("The token has been revoked.", error.GetProperty("message").GetString());
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The revoked token still passed after 5 s.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Signing_a_subject_out_spares_the_tokens_it_gets_afterwards()
    {
        var payload = TestSupport.GatewayTokenServer.Payload(EdgeFixture.Tenant, EdgeFixture.AllScopes);
        var subject = "user-" + Guid.NewGuid().ToString("N");
        payload[GatewayClaims.Subject] = subject;
        payload["iat"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var later = edge.Tokens.Sign(TestSupport.GatewayTokenServer.Header(), payload);
        await AnnounceAsync(new TokenRevocation(TokenRevocationKinds.Subject, subject, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()));
        await Task.Delay(500, TestContext.Current.CancellationToken);

        using var http = edge.CreateClient();
        using var response = await GetAsync(http, later);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task AnnounceAsync(TokenRevocation revocation)
    {
        var json = TokenRevocations.Serialize(revocation);
        await edge.Redis.GetDatabase().SortedSetAddAsync(TokenRevocations.SetKey, json, revocation.ExpiresAt);
        await edge.Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(TokenRevocations.Channel), json);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
