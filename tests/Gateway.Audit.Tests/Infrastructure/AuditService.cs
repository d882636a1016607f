using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AgentCore.Gateway.Audit.Tests.Infrastructure;

/// <summary>
/// Gateway.Audit in process, on the test's real Redis and PostgreSQL, with everything it logs captured. Settings are
/// the service's own configuration keys; tests override what they exercise (short claim idle times, for example).
/// </summary>
internal sealed class AuditService : WebApplicationFactory<Program>
{
    public const int HmacKeyId = 7;

    /// <summary>A test-only key (base64 of 48 bytes).</summary>
    public const string HmacKey = "dGVzdC1vbmx5LWF1ZGl0LWhtYWMta2V5LXRlc3Qtb25seS1hdWRpdC1obWFjLWtleQ==";

    private readonly Dictionary<string, string?> settings;

    public AuditService(AuditInfrastructure infrastructure, string databaseConnectionString, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        DatabaseConnectionString = databaseConnectionString;
        settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:auditdb"] = databaseConnectionString,
            ["ConnectionStrings:redis"] = infrastructure.Redis.ConnectionString,
            ["AuditRedaction:HmacKeyId"] = HmacKeyId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AuditRedaction:HmacKey"] = HmacKey,
            ["AuditIngestion:PollInterval"] = "00:00:00.050",
            ["AuditIngestion:RetryDelay"] = "00:00:00.250",
            ["AuditIngestion:ClaimInterval"] = "00:00:00.500",
            ["Gateway:Issuer"] = GatewayTokenServer.Issuer,
            ["Authentication:Jwt:MetadataAddress"] = "http://127.0.0.1:9/.well-known/openid-configuration",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
    }

    public string DatabaseConnectionString { get; }

    /// <summary>Replaces the service's clock, for tests of time-driven work; background loops that wait on it then stand still.</summary>
    public TimeProvider? Clock { get; init; }

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>Starts the host and waits until the schema is migrated.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Server;
        await Services.GetRequiredService<DatabaseMigration<AuditDbContext>>().WaitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseEdgeInFront();
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddFakeLogging()));
        if (Clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(Clock));
        }
    }
}
