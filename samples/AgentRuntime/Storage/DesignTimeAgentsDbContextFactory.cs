using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>For <c>dotnet ef migrations</c> only: the model needs a provider, never a live server.</summary>
internal sealed class DesignTimeAgentsDbContextFactory : IDesignTimeDbContextFactory<AgentsDbContext>
{
    public AgentsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AgentsDbContext>().UseNpgsql("Host=design-time-only").Options);
}
