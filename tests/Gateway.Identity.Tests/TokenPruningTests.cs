using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

[Collection(IdentityServerGroup.Name)]
public sealed class TokenPruningTests(IdentityServerFixture fixture)
{
    private const int Days = 30;

    [Fact]
    public async Task Daily_pruning_keeps_the_token_and_authorization_tables_bounded()
    {
        // A clock of its own, well in the past, so that every date the service writes is its own and time moves only here.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-3 * Days));
        var service = await fixture.CreateService(
            new Dictionary<string, string?>
            {
                ["Identity:TokenEndpoint:PermitsPerClient"] = "100000",
                ["Identity:TokenEndpoint:PermitsPerAddress"] = "100000",
                ["Identity:Pruning:Interval"] = "1.00:00:00",
                ["Identity:Pruning:MinimumAge"] = "14.00:00:00",
                ["Identity:Tokens:RefreshTokenLifetime"] = "14.00:00:00",
            },
            services => services.AddSingleton<TimeProvider>(clock));
        using var client = service.CreateClient();

        long tokensPerDay = 0, authorizationsPerDay = 0;
        for (var day = 0; day < Days; day++)
        {
            await IssueADaysTokensAsync(client);
            if (day == 0)
            {
                (tokensPerDay, authorizationsPerDay) = await CountAsync(service);
                Assert.True(tokensPerDay > 0 && authorizationsPerDay > 0);
            }

            clock.Advance(TimeSpan.FromDays(1));
        }

        // Rows live for the 14-day minimum age plus up to a day until the next pruning: never 30 days' worth.
        var bound = (tokensPerDay * 16, authorizationsPerDay * 16);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var counts = await CountAsync(service);
        while ((counts.Tokens > bound.Item1 || counts.Authorizations > bound.Item2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            counts = await CountAsync(service);
        }

        Assert.True(counts.Tokens <= bound.Item1, $"{counts.Tokens} tokens after {Days} days of {tokensPerDay} a day");
        Assert.True(counts.Authorizations <= bound.Item2, $"{counts.Authorizations} authorizations after {Days} days of {authorizationsPerDay} a day");
    }

    /// <summary>Two service tokens, and a user's login (an authorization with a refresh token) refreshed once.</summary>
    private static async Task IssueADaysTokensAsync(HttpClient client)
    {
        await AccessTokenAsync(await ServiceTokenAsync(client));
        await AccessTokenAsync(await ServiceTokenAsync(client));
        using var login = await PasswordTokenAsync(client, "alice", AlicePassword);
        var refreshToken = (await JsonAsync(login)).GetProperty("refresh_token").GetString()!;
        await AccessTokenAsync(await RefreshAsync(client, refreshToken));
    }

    private static async Task<(long Tokens, long Authorizations)> CountAsync(IdentityService service)
    {
        await using var scope = service.Services.CreateAsyncScope();
        var cancellationToken = TestContext.Current.CancellationToken;
        return (
            await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().CountAsync(cancellationToken),
            await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().CountAsync(cancellationToken));
    }
}
