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

        // The stack's defaults: 5 free failures per account and source, then waits of 1 s, 2 s, 4 s, ... The attacker
        // waits each one out, so that the next wait (8 s) is long enough for what follows to happen inside it.
        JsonElement? first = null;
        TimeSpan[] pauses = [.. Enumerable.Repeat(TimeSpan.Zero, 5), TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(2.2), TimeSpan.FromSeconds(4.2)];
        foreach (var pause in pauses)
        {
            await Task.Delay(pause, TestContext.Current.CancellationToken);
            using var wrong = await FairnessTests.PasswordGrantAsync(attacker, "alice", "guess-" + Guid.NewGuid().ToString("N")[..6]);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            var answer = await wrong.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            first ??= answer;
            AssertSameAnswer(first.Value, answer);
        }

        // The real user, from another address, signs in at once: the attacker slowed down only their own address.
        await FairnessTests.UserTokenAsync(user, "alice", "Alice-Passw0rd!");

        // The attacker's own tries now wait, even with the right password, and read like any refusal.
        using var throttled = await FairnessTests.PasswordGrantAsync(attacker, "alice", "Alice-Passw0rd!");
        Assert.Equal(HttpStatusCode.Unauthorized, throttled.StatusCode);
        AssertSameAnswer(first!.Value, await throttled.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));

        using var unknown = await FairnessTests.PasswordGrantAsync(attacker, "nobody-" + Guid.NewGuid().ToString("N")[..8], "whatever");
        AssertSameAnswer(first.Value, await unknown.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));
    }

    private static void AssertSameAnswer(JsonElement expected, JsonElement actual)
    {
        var (want, got) = (expected.GetProperty("error"), actual.GetProperty("error"));
        Assert.Equal(want.GetProperty("code").GetString(), got.GetProperty("code").GetString());
        Assert.Equal(want.GetProperty("message").GetString(), got.GetProperty("message").GetString());
        Assert.Equal(want.GetProperty("details").GetRawText(), got.GetProperty("details").GetRawText());
    }
}
