using AgentCore.Gateway.Audit.Redaction;
using AgentCore.Gateway.Audit.Tests.Infrastructure;
using AgentCore.Gateway.Audit.Tests.Ingestion;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentCore.Gateway.Audit.Tests.Redaction;

public sealed class RedactionTests(AuditInfrastructure infrastructure) : IClassFixture<AuditInfrastructure>
{
    private const string Jwt = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJhbGljZSIsImNsaWVudF9pZCI6ImFnZW50Y29yZS1hZG1pbiJ9.c2lnbmF0dXJlLW9mLXRoZS10ZXN0LXRva2Vu";
    private const string Subject = "alice@example.com";
    private const string Network = "203.0.113.0/24";

    private static readonly string[] Secrets =
    [
        "hunter2-Secret!", "cs-0123456789abcdef", "rt-opaque-0123456789", "agc_live0123456789abcdef", "agc_other0123456789", Jwt, "eyJ", Subject, "203.0.113",
    ];

    [Fact]
    public async Task Stored_events_and_logs_hold_no_credential_and_no_raw_personal_field()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync());
        await service.StartAsync(cancellationToken);
        var redis = infrastructure.RedisClient.GetDatabase();
        var leaky = AuditEvents.Create(
            type: AuditEventTypes.TokenFailed,
            subject: Subject,
            sourceAddress: Network,
            outcome: AuditOutcomes.Failure,
            route: $"/ws/events?access_token={Jwt}",
            reason: $"invalid_token: Bearer {Jwt}",
            details: new Dictionary<string, string>
            {
                ["password"] = "hunter2-Secret!",
                ["client_secret"] = "cs-0123456789abcdef",
                ["refresh_token"] = "rt-opaque-0123456789",
                ["access_token"] = Jwt,
                ["X-API-Key"] = "agc_live0123456789abcdef",
                ["note"] = "caller sent agc_other0123456789",
                ["username"] = Subject,
                ["jti"] = "jti-kept-123",
                ["token_hash"] = "hash-kept-456",
                ["grant_type"] = "client_credentials",
            });
        var sameSubject = AuditEvents.Create(subject: Subject, sourceAddress: Network);
        await AuditEvents.AppendAsync(redis, leaky);
        await AuditEvents.AppendAsync(redis, sameSubject);
        await Eventually.ReachesAsync(ct => IngestionTests.CountAsync(service, "true", ct), count => count == 2, TimeSpan.FromSeconds(90), cancellationToken);

        var table = await DumpAsync(service.DatabaseConnectionString, cancellationToken);
        var logs = string.Join('\n', service.Logs.GetSnapshot().Select(record =>
            record.Message + " " + record.Exception + " " + string.Join(' ', record.StructuredState?.Select(pair => pair.Value) ?? [])));
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, table, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }

        Assert.Contains("jti-kept-123", table, StringComparison.Ordinal);
        Assert.Contains("hash-kept-456", table, StringComparison.Ordinal);
        Assert.Contains("client_credentials", table, StringComparison.Ordinal);
        Assert.Contains("\"/ws/events\"", table, StringComparison.Ordinal);

        // Pseudonyms stay correlatable: both events of the subject carry the same one, and it is the key's HMAC.
        var pseudonym = service.Services.GetRequiredService<AuditEventRedactor>().Pseudonymize(Subject);
        Assert.StartsWith($"{AuditService.HmacKeyId}:", pseudonym, StringComparison.Ordinal);
        Assert.Equal(2, await IngestionTests.CountAsync(service, $"subject = '{pseudonym}'", cancellationToken));
        Assert.Equal(1, await IngestionTests.CountAsync(service, $"details->>'username' = '{pseudonym}'", cancellationToken));
        Assert.Equal(1, await IngestionTests.CountAsync(service, "details->>'password' = ''", cancellationToken));
    }

    [Fact]
    public async Task The_service_refuses_to_start_without_a_valid_HMAC_key()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync(), new Dictionary<string, string?>
        {
            ["AuditRedaction:HmacKey"] = "dG9vLXNob3J0",
        });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => service.StartAsync(cancellationToken));
        Assert.IsType<OptionsValidationException>(failure.GetBaseException());
    }

    private static async Task<string> DumpAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT string_agg(row_to_json(e)::text, E'\\n') FROM audit_events e", connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
