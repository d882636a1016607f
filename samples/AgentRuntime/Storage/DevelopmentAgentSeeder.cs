using AgentCore.Gateway.Database;
using Microsoft.EntityFrameworkCore;

namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>
/// The sample agents, seeded after the migrations in the Development environment only
/// (<see cref="MigrationExtensions.AddMigration{TContext, TSeeder}"/>): <c>agent-1</c> and <c>agent-2</c> of tenant
/// <c>acme</c>, <c>agent-9</c> of tenant <c>globex</c>.
/// </summary>
internal sealed partial class DevelopmentAgentSeeder(ILogger<DevelopmentAgentSeeder> logger) : IDbSeeder<AgentsDbContext>
{
    private static readonly Agent[] DevelopmentAgents =
    [
        new() { Id = "agent-1", TenantId = "acme", Name = "Acme research agent" },
        new() { Id = "agent-2", TenantId = "acme", Name = "Acme support agent" },
        new() { Id = "agent-9", TenantId = "globex", Name = "Globex planning agent" },
    ];

    public async Task SeedAsync(AgentsDbContext db, CancellationToken cancellationToken)
    {
        foreach (var agent in DevelopmentAgents)
        {
            if (!await db.Agents.AnyAsync(existing => existing.Id == agent.Id, cancellationToken))
            {
                db.Agents.Add(new Agent { Id = agent.Id, TenantId = agent.TenantId, Name = agent.Name });
            }
        }

        var added = await db.SaveChangesAsync(cancellationToken);
        LogSeeded(logger, added);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Development seed: {Count} agents added")]
    private static partial void LogSeeded(ILogger logger, int count);
}
