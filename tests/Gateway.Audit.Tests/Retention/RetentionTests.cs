using AgentCore.Gateway.Audit.Redaction;
using AgentCore.Gateway.Audit.Retention;
using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Audit.Tests.Infrastructure;
using AgentCore.Gateway.Audit.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentCore.Gateway.Audit.Tests.Retention;

public sealed class RetentionTests(AuditInfrastructure infrastructure) : IClassFixture<AuditInfrastructure>
{
    [Fact]
    public async Task Sweeps_delete_in_batches_only_what_is_older_than_the_retention_period()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now);
        await using var service = new AuditService(infrastructure, await infrastructure.ResetAsync(), new Dictionary<string, string?>
        {
            ["AuditRetention:Retention"] = "30.00:00:00",
            ["AuditRetention:DeleteBatchSize"] = "2",
        }) { Clock = clock };
        await service.StartAsync(cancellationToken);
        var redactor = service.Services.GetRequiredService<AuditEventRedactor>();
        var ages = new[] { 45, 40, 35, 31, 31, 29, 10, 0 };
        var records = ages.Select(days => redactor.ToRecord(AuditEvents.Create(timestamp: now.AddDays(-days)), now)).ToList();
        await service.Services.GetRequiredService<AuditWriter>().WriteAsync(records, [], cancellationToken);
        var sweeper = service.Services.GetRequiredService<RetentionSweeper>();

        await sweeper.SweepAsync(cancellationToken);
        Assert.Equal(3, await IngestionTests.CountAsync(service, "true", cancellationToken));

        clock.Advance(TimeSpan.FromDays(2));
        await sweeper.SweepAsync(cancellationToken);
        Assert.Equal(2, await IngestionTests.CountAsync(service, "true", cancellationToken));
        Assert.Equal(0, await IngestionTests.CountAsync(service, $"timestamp < '{now.AddDays(-28):O}'", cancellationToken));
    }
}
