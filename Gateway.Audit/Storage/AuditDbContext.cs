using System.Text;
using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Audit.Storage;

/// <summary>The PostgreSQL store of the audit trail.</summary>
internal sealed class AuditDbContext(DbContextOptions<AuditDbContext> options) : DbContext(options)
{
    public const string EventsTable = "audit_events";
    public const string DeadLettersTable = "audit_dead_letters";

    public DbSet<AuditRecord> Events => Set<AuditRecord>();

    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditRecord>(events =>
        {
            events.ToTable(EventsTable);
            events.HasKey(record => record.Id);
            events.Property(record => record.Id).ValueGeneratedNever();
            events.Property(record => record.Details).HasColumnType("jsonb");

            // Queries order by (timestamp, id) descending and page by keyset on it (B-tree indexes scan backwards); tenant, type and actor narrow first.
            events.HasIndex(record => new { record.Timestamp, record.Id });
            events.HasIndex(record => new { record.TenantId, record.Timestamp, record.Id });
            events.HasIndex(record => new { record.Type, record.Timestamp, record.Id });
            events.HasIndex(record => new { record.ClientId, record.Timestamp });
            events.HasIndex(record => new { record.Subject, record.Timestamp });
        });

        modelBuilder.Entity<DeadLetter>(deadLetters =>
        {
            deadLetters.ToTable(DeadLettersTable);
            deadLetters.HasKey(deadLetter => deadLetter.StreamEntryId);
            deadLetters.HasIndex(deadLetter => deadLetter.ReceivedAt);
        });

        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(entity => entity.GetProperties()))
        {
            property.SetColumnName(SnakeCase(property.Name));
        }
    }

    internal static string SnakeCase(string name)
    {
        var snake = new StringBuilder(name.Length + 4);
        foreach (var character in name)
        {
            if (char.IsUpper(character) && snake.Length > 0)
            {
                snake.Append('_');
            }

            snake.Append(char.ToLowerInvariant(character));
        }

        return snake.ToString();
    }
}
