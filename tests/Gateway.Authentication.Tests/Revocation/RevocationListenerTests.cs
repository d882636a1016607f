using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Authentication.Revocation;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Redis;
using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace AgentCore.Gateway.Authentication.Tests.Revocation;

/// <summary>The listener against a real redis-server: the contract Identity writes, read as validators read it.</summary>
public sealed class RevocationListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private RedisServer redis = null!;
    private ConnectionMultiplexer client = null!;

    public async ValueTask InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        client = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
    }

    public async ValueTask DisposeAsync()
    {
        await client.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task Revocations_already_in_redis_are_loaded_on_start()
    {
        await StoreAsync(Revocation("jti-stored"));
        using var host = await StartListenerAsync();

        await WithinBoundAsync(() => host.Services.GetRequiredService<RevocationList>().IsRevoked(Identity("jti-stored")));
    }

    [Fact]
    public async Task An_announced_revocation_arrives_without_a_request_to_redis()
    {
        using var host = await StartListenerAsync();
        var list = host.Services.GetRequiredService<RevocationList>();
        await SubscribedAsync();

        await client.GetSubscriber().PublishAsync(RedisChannel.Literal(TokenRevocations.Channel), TokenRevocations.Serialize(Revocation("jti-announced")));

        await WithinBoundAsync(() => list.IsRevoked(Identity("jti-announced")));
    }

    [Fact]
    public async Task A_revocation_missed_while_disconnected_is_loaded_when_the_connection_comes_back()
    {
        using var host = await StartListenerAsync();
        var list = host.Services.GetRequiredService<RevocationList>();
        await Task.Delay(500, TestContext.Current.CancellationToken);

        // Stored without an announcement, as if the announcement had been lost, then every connection is dropped.
        await StoreAsync(Revocation("jti-missed"));
        Assert.False(list.IsRevoked(Identity("jti-missed")));
        await client.GetServer(client.GetEndPoints()[0]).ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        await client.GetServer(client.GetEndPoints()[0]).ExecuteAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");

        await WithinBoundAsync(() => list.IsRevoked(Identity("jti-missed")));
    }

    private async Task<IHost> StartListenerAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{ServiceNames.Redis}"] = redis.ConnectionString });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddGatewayRedis();
        builder.AddRevocationList();
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    /// <summary>Waits until the listener has subscribed, since an announcement nobody hears is lost (that is what the set is for).</summary>
    private async Task SubscribedAsync()
    {
        var server = client.GetServer(client.GetEndPoints()[0]);
        var deadline = DateTime.UtcNow + Bound;
        while ((long)(await server.ExecuteAsync("PUBSUB", "NUMSUB", TokenRevocations.Channel))[1] == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The listener did not subscribe.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private Task<bool> StoreAsync(TokenRevocation revocation) =>
        client.GetDatabase().SortedSetAddAsync(TokenRevocations.SetKey, TokenRevocations.Serialize(revocation), revocation.ExpiresAt);

    private static async Task WithinBoundAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Not reached within the 5 s bound.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static TokenRevocation Revocation(string tokenId)
    {
        var now = DateTimeOffset.UtcNow;
        return new TokenRevocation(TokenRevocationKinds.Token, tokenId, now.ToUnixTimeSeconds(), now.AddHours(1).ToUnixTimeSeconds());
    }

    private static GatewayIdentity Identity(string tokenId) =>
        new("Bearer", new EdgeCaller("acme", "client", "alice", "agents.read"), [],
            new AccessTokenFacts(tokenId, null, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1)));
}
