using System.Net;
using AgentCore.Gateway.Contracts;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

[Collection(IdentityServerGroup.Name)]
public sealed class RefreshAndLockoutTests(IdentityServerFixture fixture)
{
    private readonly HttpClient client = fixture.Service.CreateClient();

    [Fact]
    public async Task Refresh_tokens_rotate_and_reusing_one_revokes_the_family_and_is_audited()
    {
        using var login = await PasswordTokenAsync(client, "alice", AlicePassword);
        var first = (await JsonAsync(login)).GetProperty("refresh_token").GetString()!;

        using var refreshed = await RefreshAsync(client, first);
        await AccessTokenAsync(refreshed);
        var second = (await JsonAsync(refreshed)).GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);

        using var replay = await RefreshAsync(client, first);
        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(replay, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));

        // The replay revoked the whole authorization: the newest token of the family is dead as well.
        using var afterReplay = await RefreshAsync(client, second);
        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(afterReplay, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));

        var reuse = await AuditStream.WaitForAsync(fixture, audit => audit.Type == AuditEventTypes.RefreshReuseDetected);
        Assert.NotEmpty(reuse);
        Assert.Equal("agentcore-cli", reuse[0].Actor.ClientId);
    }

    [Fact]
    public async Task Token_issuance_is_audited_without_the_token()
    {
        using var response = await ServiceTokenAsync(client);
        var accessToken = await AccessTokenAsync(response);
        var jti = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(accessToken).Id;

        var issued = await AuditStream.WaitForAsync(fixture, audit => audit.Type == AuditEventTypes.TokenIssued && audit.Details?["jti"] == jti);

        var record = Assert.Single(issued);
        Assert.Equal("agentcore-service", record.Actor.ClientId);
        Assert.Equal("acme", record.Actor.TenantId);
        Assert.DoesNotContain(accessToken, System.Text.Json.JsonSerializer.Serialize(record), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_suspends_after_the_configured_failures_from_everywhere_and_then_answers_the_right_password_like_a_wrong_one()
    {
        using var wrongAnswer = await PasswordTokenAsync(client, "bob", "wrong-password", "openid");
        var expected = await JsonAsync(wrongAnswer);
        for (var attempt = 1; attempt < 3; attempt++)
        {
            using var wrong = await PasswordTokenAsync(client, "bob", "wrong-password", "openid");
            Assert.Equal("invalid_grant", await EnvelopeErrorAsync(wrong, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        }

        using var right = await PasswordTokenAsync(client, "bob", "Bob-Passw0rd!", "openid");

        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(right, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        SignInThrottleTests.AssertSameAnswer(expected, await JsonAsync(right));
    }
}
