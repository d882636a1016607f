using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Identity.Storage;

/// <summary>The PostgreSQL store of the OpenID Connect server's clients, scopes, users, keys and tokens.</summary>
internal sealed class IdentityStoreDbContext(DbContextOptions<IdentityStoreDbContext> options) : DbContext(options);
