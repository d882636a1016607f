using AgentCore.Gateway.Identity.ApiKeys;
using AgentCore.Gateway.Identity.SigningKeys;
using AgentCore.Gateway.Identity.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Identity.Storage;

/// <summary>
/// The PostgreSQL store of the OpenID Connect server: OpenIddict's clients, scopes, authorizations and tokens, plus
/// tenants, users and their links to outside providers, signing keys, API keys and the shared Data Protection key ring.
/// </summary>
internal sealed class IdentityStoreDbContext(DbContextOptions<IdentityStoreDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<UserAccount> Users => Set<UserAccount>();

    public DbSet<ExternalLogin> ExternalLogins => Set<ExternalLogin>();

    public DbSet<StoredSigningKey> SigningKeys => Set<StoredSigningKey>();

    public DbSet<StoredApiKey> ApiKeys => Set<StoredApiKey>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.UseOpenIddict();

        modelBuilder.Entity<Tenant>(tenant =>
        {
            tenant.ToTable("tenants");
            tenant.HasKey(entity => entity.Id);
            tenant.Property(entity => entity.Id).HasMaxLength(64);
            tenant.Property(entity => entity.DisplayName).HasMaxLength(200);
        });

        modelBuilder.Entity<UserAccount>(user =>
        {
            user.ToTable("users");
            user.HasKey(entity => entity.Id);
            user.Property(entity => entity.Id).HasMaxLength(64);
            user.Property(entity => entity.UserName).HasMaxLength(100);
            user.HasIndex(entity => entity.UserName).IsUnique();
            user.Property(entity => entity.TenantId).HasMaxLength(64);
            user.HasOne<Tenant>().WithMany().HasForeignKey(entity => entity.TenantId);
            user.Property(entity => entity.Version).IsConcurrencyToken();
        });

        modelBuilder.Entity<ExternalLogin>(login =>
        {
            login.ToTable("external_logins");
            login.HasKey(entity => new { entity.Provider, entity.Subject });
            login.Property(entity => entity.Provider).HasMaxLength(100);
            login.Property(entity => entity.Subject).HasMaxLength(500);
            login.Property(entity => entity.UserId).HasMaxLength(64);
            login.HasIndex(entity => entity.UserId);
            login.HasOne<UserAccount>().WithMany().HasForeignKey(entity => entity.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<StoredSigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.HasKey(entity => entity.Id);
            key.Property(entity => entity.Id).HasMaxLength(64);
            key.Property(entity => entity.Use).HasMaxLength(8);
        });

        modelBuilder.Entity<StoredApiKey>(apiKey =>
        {
            apiKey.ToTable("api_keys");
            apiKey.HasKey(entity => entity.Id);
            apiKey.Property(entity => entity.Id).HasMaxLength(64);
            apiKey.Property(entity => entity.Name).HasMaxLength(200);
            apiKey.Property(entity => entity.Hash).HasMaxLength(64);
            apiKey.HasIndex(entity => entity.Hash).IsUnique();
            apiKey.Property(entity => entity.TenantId).HasMaxLength(64);
            apiKey.HasOne<Tenant>().WithMany().HasForeignKey(entity => entity.TenantId);
        });
    }
}
