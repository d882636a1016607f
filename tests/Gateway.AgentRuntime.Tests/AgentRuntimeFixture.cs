using System.Globalization;
using System.Net;
using System.Text;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.TestSupport;
using AgentCore.Samples.AgentRuntime.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AgentCore.Samples.AgentRuntime.Tests;

/// <summary>
/// The agent runtime on a loopback Kestrel port with real PostgreSQL and redis-server, in Development (so the sample
/// agents are seeded), with a fast worker, started once its database is migrated and seeded. Requests are signed the way the Edge signs them. The worker's safety-net
/// poll is set to ten minutes, far beyond any test's patience: whatever a test sees happen, a wake-up on commit or at
/// the next due time caused it.
/// </summary>
public class AgentRuntimeFixture : IAsyncLifetime
{
    public static readonly TimeSpan SafetyNetInterval = TimeSpan.FromMinutes(10);

    private const string TrustKey = "test-only-edge-trust-key-0123456789abcdefghijklmnop";
    private static readonly byte[] TrustKeyBytes = Encoding.UTF8.GetBytes(TrustKey);

    private WebApplicationFactory<Program>? runtime;

    public PostgresServer Postgres { get; private set; } = null!;

    public RedisServer Redis { get; private set; } = null!;

    public string DatabaseConnectionString { get; private set; } = null!;

    public ConnectionMultiplexer RedisClient { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        DatabaseConnectionString = await Postgres.CreateDatabaseAsync("agents");
        Redis = await RedisServer.StartAsync();
        RedisClient = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString);

        runtime = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseSetting($"ConnectionStrings:{ServiceNames.AgentsDatabase}", DatabaseConnectionString);
            web.UseSetting($"ConnectionStrings:{ServiceNames.Redis}", Redis.ConnectionString);
            web.UseSetting("EdgeTrust:Key", TrustKey);
            web.UseSetting("TaskWorker:SafetyNetInterval", SafetyNetInterval.ToString("c", CultureInfo.InvariantCulture));
            web.UseSetting("TaskWorker:RetryDelay", "00:00:00.100");
            web.UseSetting("TaskWorker:StartDelay", "00:00:00");
            web.UseSetting("TaskWorker:RunDuration", "00:00:00.200");
            Configure(web);
        });
        runtime.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        runtime.StartServer();
        await runtime.Services.GetRequiredService<DatabaseMigration<AgentsDbContext>>().WaitAsync(TestContext.Current.CancellationToken);
    }

    public IServiceProvider Services => runtime!.Services;

    /// <summary>
    /// A client whose requests carry the Edge's signature for <paramref name="tenant"/> (none when null), or, without
    /// <paramref name="throughEdge"/>, the tenant's headers unsigned, as a caller around the Edge would send them.
    /// </summary>
    public HttpClient CreateClient(string? tenant = "acme", bool throughEdge = true)
    {
        var caller = tenant is null ? null : new EdgeCaller(tenant, "agentcore-service", "alice", "agents.read agents.write");
        return throughEdge
            ? runtime!.CreateDefaultClient(runtime.ClientOptions.BaseAddress, new EdgeSigningHandler(TrustKeyBytes, TimeProvider.System, caller))
            : runtime!.CreateDefaultClient(runtime.ClientOptions.BaseAddress, new UnsignedCallerHandler(caller));
    }

    /// <summary>Settings a derived fixture adds to the runtime's.</summary>
    protected virtual void Configure(IWebHostBuilder web)
    {
    }

    public async ValueTask DisposeAsync()
    {
        if (runtime is not null)
        {
            await runtime.DisposeAsync();
        }

        RedisClient?.Dispose();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>Sends the trusted headers of <paramref name="caller"/> without a signature.</summary>
internal sealed class UnsignedCallerHandler(EdgeCaller? caller) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (caller is not null)
        {
            request.Headers.Add(GatewayHeaders.TenantId, caller.TenantId);
            request.Headers.Add(GatewayHeaders.ClientId, caller.ClientId);
            request.Headers.Add(GatewayHeaders.Subject, caller.Subject);
            request.Headers.Add(GatewayHeaders.Scopes, caller.Scopes);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
