using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Audit.Storage;

/// <summary>The PostgreSQL store of the audit trail.</summary>
internal sealed class AuditDbContext(DbContextOptions<AuditDbContext> options) : DbContext(options);
