using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Authentication.Revocation;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace AgentCore.Gateway.Authentication.Tests.Revocation;

public sealed class RevocationListTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Now);

    [Fact]
    public void Nothing_is_revoked_while_the_list_is_empty()
    {
        Assert.False(new RevocationList(time).IsRevoked(Identity()));
    }

    [Theory]
    [InlineData(TokenRevocationKinds.Token, "jti-1")]
    [InlineData(TokenRevocationKinds.Authorization, "authorization-1")]
    [InlineData(TokenRevocationKinds.Subject, "alice")]
    [InlineData(TokenRevocationKinds.Client, "agentcore-cli")]
    public void A_revocation_denies_the_token_it_names_and_no_other(string kind, string value)
    {
        var list = new RevocationList(time);

        list.Add([Revocation(kind, value)]);

        Assert.True(list.IsRevoked(Identity()));
        Assert.False(list.IsRevoked(Identity(tokenId: "jti-2", authorizationId: "authorization-2", subject: "bob", client: "agentcore-service")));
    }

    [Fact]
    public void Signing_a_subject_out_denies_tokens_issued_up_to_then_but_not_later_ones()
    {
        var list = new RevocationList(time);

        list.Add([Revocation(TokenRevocationKinds.Subject, "alice")]);

        Assert.True(list.IsRevoked(Identity(issuedAt: Now.AddMinutes(-10))));
        Assert.True(list.IsRevoked(Identity(issuedAt: Now)));
        Assert.False(list.IsRevoked(Identity(issuedAt: Now.AddSeconds(1))));
        Assert.True(list.IsSubjectRevoked("alice", Now.AddHours(-1)));
        Assert.False(list.IsSubjectRevoked("alice", Now.AddSeconds(1)));
    }

    [Fact]
    public void A_later_sign_out_of_the_same_subject_moves_the_line()
    {
        var list = new RevocationList(time);
        list.Add([Revocation(TokenRevocationKinds.Subject, "alice")]);

        list.Add([Revocation(TokenRevocationKinds.Subject, "alice", revokedAt: Now.AddMinutes(5))]);

        Assert.True(list.IsRevoked(Identity(issuedAt: Now.AddMinutes(3))));
    }

    [Fact]
    public void Expired_revocations_are_forgotten()
    {
        var list = new RevocationList(time);
        list.Add([Revocation(TokenRevocationKinds.Token, "jti-1", expiresAt: Now.AddMinutes(1))]);

        time.Advance(TimeSpan.FromMinutes(2));
        list.Add([Revocation(TokenRevocationKinds.Token, "jti-9")]);

        Assert.Equal(1, list.Count);
    }

    [Fact]
    public async Task A_watcher_hears_of_its_revocation_once_and_others_not_at_all()
    {
        var list = new RevocationList(time);
        var revoked = new TaskCompletionSource();
        var otherRevoked = false;
        var calls = 0;
        using var watch = list.Watch(Identity(), () => { Interlocked.Increment(ref calls); revoked.TrySetResult(); });
        using var other = list.Watch(Identity(tokenId: "jti-2", authorizationId: null, subject: "bob"), () => otherRevoked = true);

        list.Add([Revocation(TokenRevocationKinds.Token, "jti-1")]);
        list.Add([Revocation(TokenRevocationKinds.Authorization, "authorization-1")]);

        await revoked.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Equal(1, calls);
        Assert.False(otherRevoked);
    }

    [Fact]
    public async Task Watching_an_identity_that_is_already_revoked_fires_at_once()
    {
        var list = new RevocationList(time);
        list.Add([Revocation(TokenRevocationKinds.Client, "agentcore-cli")]);
        var revoked = new TaskCompletionSource();

        using var watch = list.Watch(Identity(), revoked.SetResult);

        await revoked.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    private static TokenRevocation Revocation(string kind, string value, DateTimeOffset? revokedAt = null, DateTimeOffset? expiresAt = null) =>
        new(kind, value, (revokedAt ?? Now).ToUnixTimeSeconds(), (expiresAt ?? Now.AddHours(25)).ToUnixTimeSeconds());

    private static GatewayIdentity Identity(
        string tokenId = "jti-1",
        string? authorizationId = "authorization-1",
        string subject = "alice",
        string client = "agentcore-cli",
        DateTimeOffset? issuedAt = null) =>
        new("Bearer", new EdgeCaller("acme", client, subject, "agents.read"), [],
            new AccessTokenFacts(tokenId, authorizationId, issuedAt ?? Now.AddMinutes(-1), Now.AddHours(24)));
}
