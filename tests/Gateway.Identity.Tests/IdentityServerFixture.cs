using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>
/// Real PostgreSQL and Redis processes for the whole test collection, and the Identity service in process on them
/// (Development environment, so the development seed is there). Each <see cref="CreateService"/> gets its own database.
/// </summary>
public sealed class IdentityServerFixture : IAsyncLifetime
{
    public const string Issuer = "http://localhost/";

    private readonly List<IAsyncDisposable> services = [];

    public PostgresServer Postgres { get; private set; } = null!;

    public RedisServer Redis { get; private set; } = null!;

    public IdentityService Service { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        Redis = await RedisServer.StartAsync();
        Service = await CreateService(new Dictionary<string, string?>
        {
            ["Identity:Lockout:MaxFailedAttempts"] = "3",
            ["Identity:TokenEndpoint:PermitsPerClient"] = "40",
            ["Identity:TokenEndpoint:PermitsPerAddress"] = "100000",
        });
    }

    /// <summary>A fresh instance of the service on a fresh database; settings override the defaults.</summary>
    public async Task<IdentityService> CreateService(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var database = await Postgres.CreateDatabaseAsync("identity");
        var factory = new IdentityService(database, Redis.ConnectionString, settings, configureServices);
        services.Add(factory);
        using var warmUp = factory.CreateClient();
        return factory;
    }

    /// <summary>
    /// A fresh instance listening on a real loopback port, with its issuer at that address: for tests where one
    /// instance talks to another over HTTP, as an outside identity provider does.
    /// </summary>
    public async Task<IdentityService> StartListeningServiceAsync(int port, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var database = await Postgres.CreateDatabaseAsync("identity");
        var factory = new IdentityService(
            database,
            Redis.ConnectionString,
            new Dictionary<string, string?>(settings) { [GatewayTokens.IssuerConfigurationKey] = $"http://localhost:{port}/" },
            configureServices);
        services.Add(factory);
        factory.UseKestrel(port);
        factory.StartServer();
        return factory;
    }

    public async Task<IConnectionMultiplexer> ConnectRedisAsync() => await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);

    public async ValueTask DisposeAsync()
    {
        foreach (var service in services)
        {
            await service.DisposeAsync();
        }

        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>The Identity service hosted in process by <see cref="WebApplicationFactory{TEntryPoint}"/>.</summary>
public sealed class IdentityService(
    string databaseConnectionString,
    string redisConnectionString,
    IReadOnlyDictionary<string, string?> settings,
    Action<IServiceCollection>? configureServices) : WebApplicationFactory<Program>
{
    /// <summary>The host environment; Development (with the development seed) unless a test says otherwise.</summary>
    public string EnvironmentName { get; init; } = "Development";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseEdgeInFront();
        builder.UseSetting("ConnectionStrings:" + ServiceNames.IdentityDatabase, databaseConnectionString);
        builder.UseSetting("ConnectionStrings:" + ServiceNames.Redis, redisConnectionString);
        builder.UseSetting(GatewayTokens.IssuerConfigurationKey, IdentityServerFixture.Issuer);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }

    /// <summary>A client that keeps cookies and does not follow redirects, for the browser side of the code flow.</summary>
    public HttpClient CreateBrowser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}

[CollectionDefinition(Name)]
public sealed class IdentityServerGroup : ICollectionFixture<IdentityServerFixture>
{
    public const string Name = "identity server";
}
