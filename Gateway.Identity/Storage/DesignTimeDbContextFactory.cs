using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentCore.Gateway.Identity.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the service or reaching a database.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<IdentityStoreDbContext>
{
    public IdentityStoreDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<IdentityStoreDbContext>().UseNpgsql("Host=localhost;Database=identitydb").Options);
}
