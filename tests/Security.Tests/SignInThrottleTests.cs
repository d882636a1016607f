using System.Net;
using System.Text.Json;
using AgentCore.Gateway.EndToEnd.Tests;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Security.Tests;

/// <summary>
/// Sign-in throttling through the Edge of the real stack, with callers on distinct loopback addresses. The Edge is not
/// behind the orchestrator's proxy, so it sees each caller's own address and passes it on to Identity.
/// </summary>
[Collection(GatewayStackGroup.Name)]
public sealed class SignInThrottleTests(GatewayStackFixture stack)
{
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.61");
    private static readonly IPAddress RealUser = IPAddress.Parse("127.0.0.62");

    [Fact]
    public async Task Anonymous_attempts_from_one_source_cannot_block_the_real_users_sign_in_from_another()
    {
        using var attacker = SourceAddressClient.Create(stack.EdgeAddress, Attacker);
        using var user = SourceAddressClient.Create(stack.EdgeAddress, RealUser);

        JsonElement? first = null;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            using var wrong = await FairnessTests.PasswordGrantAsync(attacker, "alice", "guess-" + attempt);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            var answer = await wrong.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            first ??= answer;
            AssertSameAnswer(first.Value, answer);
        }

        // Past the free attempts the attacker's own tries wait, even with the right password, and read the same.
        using var throttled = await FairnessTests.PasswordGrantAsync(attacker, "alice", "Alice-Passw0rd!");
        Assert.Equal(HttpStatusCode.Unauthorized, throttled.StatusCode);
        AssertSameAnswer(first!.Value, await throttled.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));

        using var unknown = await FairnessTests.PasswordGrantAsync(attacker, "nobody-" + Guid.NewGuid().ToString("N")[..8], "whatever");
        AssertSameAnswer(first.Value, await unknown.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));

        await FairnessTests.UserTokenAsync(user, "alice", "Alice-Passw0rd!");
    }

    private static void AssertSameAnswer(JsonElement expected, JsonElement actual)
    {
        var (want, got) = (expected.GetProperty("error"), actual.GetProperty("error"));
        Assert.Equal(want.GetProperty("code").GetString(), got.GetProperty("code").GetString());
        Assert.Equal(want.GetProperty("message").GetString(), got.GetProperty("message").GetString());
        Assert.Equal(want.GetProperty("details").GetRawText(), got.GetProperty("details").GetRawText());
    }
}
