using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using AgentCore.Gateway.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;
using StackExchange.Redis;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>
/// Identity announces every revocation to the validators (the Redis contract <see cref="TokenRevocations"/>): a
/// revoked access token by its <c>jti</c>, a revoked or replayed refresh token by the authorization id that every
/// access token of its family carries (<c>oi_au_id</c>), a subject signed out everywhere, and a disabled client.
/// </summary>
[Collection(IdentityServerGroup.Name)]
public sealed class RevocationTests(IdentityServerFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Every_access_token_of_a_refresh_family_names_the_familys_authorization()
    {
        using var client = fixture.Service.CreateClient();
        using var login = await PasswordTokenAsync(client, "alice", AlicePassword);
        var first = await JsonAsync(login);

        using var refreshed = await RefreshAsync(client, first.GetProperty("refresh_token").GetString()!);
        var second = await JsonAsync(refreshed);

        var authorization = AuthorizationId(first.GetProperty("access_token").GetString()!);
        Assert.False(string.IsNullOrEmpty(authorization));
        Assert.Equal(authorization, AuthorizationId(second.GetProperty("access_token").GetString()!));
    }

    [Fact]
    public async Task Revoking_an_access_token_announces_its_token_id()
    {
        using var client = fixture.Service.CreateClient();
        var accessToken = await AccessTokenAsync(await ServiceTokenAsync(client));
        await using var announcements = await Announcements.ListenAsync(fixture);

        using var revoke = await PostFormAsync(client, "/connect/revoke", ("token", accessToken), ("client_id", "agentcore-service"), ("client_secret", ServiceSecret));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await announcements.ExpectAsync(TokenRevocationKinds.Token, new JsonWebToken(accessToken).Id);
    }

    [Fact]
    public async Task A_revoked_admin_token_is_refused_by_the_admin_api_at_once()
    {
        using var client = fixture.Service.CreateClient();
        var admin = await AccessTokenAsync(await AdminTokenAsync(client));
        using (var before = await client.SendAsync(Get("/api/v1/auth/api-keys", admin), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revoke = await PostFormAsync(client, "/connect/revoke", ("token", admin), ("client_id", "agentcore-admin"), ("client_secret", AdminSecret));
        using var after = await client.SendAsync(Get("/api/v1/auth/api-keys", admin), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Revoking_a_refresh_token_revokes_and_announces_its_whole_family()
    {
        using var client = fixture.Service.CreateClient();
        var login = await JsonAsync(await PasswordTokenAsync(client, "alice", AlicePassword));
        var refreshToken = login.GetProperty("refresh_token").GetString()!;
        await using var announcements = await Announcements.ListenAsync(fixture);

        using var revoke = await PostFormAsync(client, "/connect/revoke", ("token", refreshToken), ("client_id", "agentcore-cli"), ("token_type_hint", "refresh_token"));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await announcements.ExpectAsync(TokenRevocationKinds.Authorization, AuthorizationId(login.GetProperty("access_token").GetString()!));
        using var refresh = await RefreshAsync(client, refreshToken);
        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(refresh, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
    }

    [Fact]
    public async Task Reusing_a_refresh_token_announces_the_family_so_its_access_tokens_die_too()
    {
        using var client = fixture.Service.CreateClient();
        var login = await JsonAsync(await PasswordTokenAsync(client, "alice", AlicePassword));
        var first = login.GetProperty("refresh_token").GetString()!;
        using var rotated = await RefreshAsync(client, first);
        var newest = await AccessTokenAsync(rotated);
        await using var announcements = await Announcements.ListenAsync(fixture);

        using var replay = await RefreshAsync(client, first);

        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(replay, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        await announcements.ExpectAsync(TokenRevocationKinds.Authorization, AuthorizationId(newest));
    }

    [Fact]
    public async Task An_admin_signs_a_subject_out_everywhere()
    {
        var service = await fixture.CreateService(new Dictionary<string, string?>());
        using var client = service.CreateClient();
        var login = await JsonAsync(await PasswordTokenAsync(client, "alice", AlicePassword));
        var subject = new JsonWebToken(login.GetProperty("access_token").GetString()!).Subject;
        var admin = await AccessTokenAsync(await AdminTokenAsync(client));
        var notAdmin = await AccessTokenAsync(await ServiceTokenAsync(client));
        await using var announcements = await Announcements.ListenAsync(fixture);

        using var refused = await client.SendAsync(Post($"/api/v1/auth/subjects/{subject}/sign-out", notAdmin), TestContext.Current.CancellationToken);
        using var signedOut = await client.SendAsync(Post($"/api/v1/auth/subjects/{subject}/sign-out", admin), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        var result = await JsonAsync(signedOut);
        Assert.Equal((TokenRevocationKinds.Subject, subject), (result.GetProperty("kind").GetString(), result.GetProperty("value").GetString()));
        Assert.True(result.GetProperty("authorizations_revoked").GetInt64() >= 1);
        await announcements.ExpectAsync(TokenRevocationKinds.Subject, subject);
        using var refresh = await RefreshAsync(client, login.GetProperty("refresh_token").GetString()!);
        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(refresh, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        var audited = await AuditStream.WaitForAsync(fixture, audit => audit.Type == AuditEventTypes.SubjectSignedOut && audit.Details?["signed_out_subject"] == subject);
        Assert.Equal("agentcore-admin", Assert.Single(audited).Actor.ClientId);
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_or_refresh_and_their_tokens_are_announced_until_enabled_again()
    {
        var service = await fixture.CreateService(new Dictionary<string, string?>());
        using var client = service.CreateClient();
        var login = await JsonAsync(await PasswordTokenAsync(client, "alice", AlicePassword));
        var userId = new JsonWebToken(login.GetProperty("access_token").GetString()!).Subject;
        var admin = await AccessTokenAsync(await AdminTokenAsync(client));
        await using var announcements = await Announcements.ListenAsync(fixture);

        using var disabled = await client.SendAsync(Post($"/api/v1/auth/users/{userId}/disable", admin), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        await announcements.ExpectAsync(TokenRevocationKinds.Subject, userId);
        using (var signIn = await PasswordTokenAsync(client, "alice", AlicePassword))
        {
            Assert.Equal("invalid_grant", await EnvelopeErrorAsync(signIn, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        }

        using (var refresh = await RefreshAsync(client, login.GetProperty("refresh_token").GetString()!))
        {
            Assert.Equal("invalid_grant", await EnvelopeErrorAsync(refresh, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        }

        using var enabled = await client.SendAsync(Post($"/api/v1/auth/users/{userId}/enable", admin), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);
        await AccessTokenAsync(await PasswordTokenAsync(client, "alice", AlicePassword));
    }

    [Fact]
    public async Task A_disabled_client_gets_no_tokens_and_its_tokens_are_announced_until_it_is_enabled_again()
    {
        var service = await fixture.CreateService(new Dictionary<string, string?>());
        using var client = service.CreateClient();
        var admin = await AccessTokenAsync(await AdminTokenAsync(client));
        await using var announcements = await Announcements.ListenAsync(fixture);

        using var disabled = await client.SendAsync(Post("/api/v1/auth/clients/agentcore-service/disable", admin), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        await announcements.ExpectAsync(TokenRevocationKinds.Client, "agentcore-service");
        using (var refused = await ServiceTokenAsync(client))
        {
            Assert.Equal("invalid_client", await EnvelopeErrorAsync(refused, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        }

        using var enabled = await client.SendAsync(Post("/api/v1/auth/clients/agentcore-service/enable", admin), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);
        await AccessTokenAsync(await ServiceTokenAsync(client));
        using var unknown = await client.SendAsync(Post("/api/v1/auth/clients/no-such-client/disable", admin), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private static string? AuthorizationId(string accessToken) =>
        new JsonWebToken(accessToken).TryGetPayloadValue<string>(TokenRevocations.AuthorizationIdClaim, out var id) ? id : null;

    private static HttpRequestMessage Post(string path, string accessToken) => Authorized(HttpMethod.Post, path, accessToken);

    private static HttpRequestMessage Get(string path, string accessToken) => Authorized(HttpMethod.Get, path, accessToken);

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string accessToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    /// <summary>What validators hear on the channel, and find in the set, from the moment it starts listening.</summary>
    private sealed class Announcements : IAsyncDisposable
    {
        private readonly Channel<TokenRevocation> heard = Channel.CreateUnbounded<TokenRevocation>();
        private IConnectionMultiplexer redis = null!;

        public static async Task<Announcements> ListenAsync(IdentityServerFixture fixture)
        {
            var announcements = new Announcements { redis = await fixture.ConnectRedisAsync() };
            await announcements.redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(TokenRevocations.Channel), (_, message) =>
            {
                if (TokenRevocations.Parse(message.ToString()) is { } revocation)
                {
                    announcements.heard.Writer.TryWrite(revocation);
                }
            });
            return announcements;
        }

        public async Task ExpectAsync(string kind, string? value)
        {
            Assert.False(string.IsNullOrEmpty(value));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(Bound);
            while (true)
            {
                var revocation = await heard.Reader.ReadAsync(timeout.Token);
                if (revocation.Kind == kind && revocation.Value == value)
                {
                    Assert.True(revocation.ExpiresAt - revocation.RevokedAt >= TimeSpan.FromHours(24).TotalSeconds, "Kept for less than the access-token lifetime.");
                    var stored = await redis.GetDatabase().SortedSetRangeByScoreAsync(TokenRevocations.SetKey);
                    Assert.Contains(stored, member => TokenRevocations.Parse(member.ToString()) == revocation);
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync() => await redis.DisposeAsync();
    }
}
