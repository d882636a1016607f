using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>
/// The sign-in throttle on a real Kestrel, with callers on distinct loopback addresses: an attacker's failures slow down
/// only the attacker's own tries, never the real user's from elsewhere, and every refusal reads the same.
/// </summary>
[Collection(IdentityServerGroup.Name)]
public sealed class SignInThrottleTests(IdentityServerFixture fixture)
{
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.31");
    private static readonly IPAddress RealUser = IPAddress.Parse("127.0.0.32");

    [Fact]
    public async Task Anonymous_failures_from_one_source_throttle_that_source_and_never_the_real_user_from_another()
    {
        var port = FreePort.Next();
        await fixture.StartListeningServiceAsync(port, new Dictionary<string, string?>
        {
            ["Identity:Lockout:FreeAttempts"] = "3",
            ["Identity:Lockout:FirstDelay"] = "00:10:00",
        });
        var address = new Uri($"http://localhost:{port}/");
        using var attacker = SourceAddressClient.Create(address, Attacker);
        using var user = SourceAddressClient.Create(address, RealUser);

        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var wrong = await PasswordTokenAsync(attacker, "alice", "guess-" + attempt, "openid");
            Assert.Equal("invalid_grant", await EnvelopeErrorAsync(wrong, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
        }

        // The attacker's source now waits even with the right password ...
        using var throttled = await PasswordTokenAsync(attacker, "alice", AlicePassword, "openid");
        Assert.Equal(HttpStatusCode.Unauthorized, throttled.StatusCode);

        // ... and the real user, from another address, signs in at once.
        using var signedIn = await PasswordTokenAsync(user, "alice", AlicePassword, "openid");
        await AccessTokenAsync(signedIn);
    }

    [Fact]
    public async Task Unknown_users_wrong_passwords_and_throttled_tries_get_the_same_answer()
    {
        var port = FreePort.Next();
        await fixture.StartListeningServiceAsync(port, new Dictionary<string, string?>
        {
            ["Identity:Lockout:FreeAttempts"] = "1",
            ["Identity:Lockout:FirstDelay"] = "00:10:00",
        });
        using var client = SourceAddressClient.Create(new Uri($"http://localhost:{port}/"), Attacker);

        using var unknown = await PasswordTokenAsync(client, "nobody-" + Guid.NewGuid().ToString("N")[..8], "whatever", "openid");
        using var wrong = await PasswordTokenAsync(client, "bob", "wrong-password", "openid");
        using var throttled = await PasswordTokenAsync(client, "bob", "Bob-Passw0rd!", "openid");

        var expected = await JsonAsync(unknown);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        foreach (var response in new[] { wrong, throttled })
        {
            Assert.Equal(unknown.StatusCode, response.StatusCode);
            AssertSameAnswer(expected, await JsonAsync(response));
        }
    }

    /// <summary>The same code, message and OAuth error and description: nothing tells the answers apart.</summary>
    internal static void AssertSameAnswer(JsonElement expected, JsonElement actual)
    {
        var (want, got) = (expected.GetProperty("error"), actual.GetProperty("error"));
        Assert.Equal(want.GetProperty("code").GetString(), got.GetProperty("code").GetString());
        Assert.Equal(want.GetProperty("message").GetString(), got.GetProperty("message").GetString());
        Assert.Equal(want.GetProperty("details").GetRawText(), got.GetProperty("details").GetRawText());
    }
}
