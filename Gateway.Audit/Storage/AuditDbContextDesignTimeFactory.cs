using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentCore.Gateway.Audit.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the service and its infrastructure.</summary>
internal sealed class AuditDbContextDesignTimeFactory : IDesignTimeDbContextFactory<AuditDbContext>
{
    public AuditDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AuditDbContext>().UseNpgsql().Options);
}
