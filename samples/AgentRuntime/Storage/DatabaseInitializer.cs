using Microsoft.EntityFrameworkCore;

namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>
/// Applies the migrations before the service takes requests and, in Development only, seeds the sample agents:
/// <c>agent-1</c> and <c>agent-2</c> of tenant <c>acme</c>, <c>agent-9</c> of tenant <c>globex</c>.
/// </summary>
internal sealed partial class DatabaseInitializer(IServiceScopeFactory scopes, IHostEnvironment environment, ILogger<DatabaseInitializer> logger)
    : IHostedService
{
    private static readonly Agent[] DevelopmentAgents =
    [
        new() { Id = "agent-1", TenantId = "acme", Name = "Acme research agent" },
        new() { Id = "agent-2", TenantId = "acme", Name = "Acme support agent" },
        new() { Id = "agent-9", TenantId = "globex", Name = "Globex planning agent" },
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentsDbContext>();
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (!environment.IsDevelopment())
        {
            return;
        }

        foreach (var agent in DevelopmentAgents)
        {
            if (!await db.Agents.AnyAsync(existing => existing.Id == agent.Id, cancellationToken).ConfigureAwait(false))
            {
                db.Agents.Add(new Agent { Id = agent.Id, TenantId = agent.TenantId, Name = agent.Name });
            }
        }

        var added = await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        LogSeeded(logger, added);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Development seed: {Count} agents added")]
    private static partial void LogSeeded(ILogger logger, int count);
}
