using Microsoft.EntityFrameworkCore;

namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>The PostgreSQL store of agents, their tasks, and the outbox of events about them.</summary>
internal sealed class AgentsDbContext(DbContextOptions<AgentsDbContext> options) : DbContext(options)
{
    /// <summary>A W3C <c>traceparent</c>: version, trace id, span id and flags, 55 characters.</summary>
    private const int TraceParentLength = 55;

    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<AgentTask> Tasks => Set<AgentTask>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Agent>(agent =>
        {
            agent.ToTable("agents");
            agent.HasKey(a => a.Id);
            agent.Property(a => a.Id).HasColumnName("id").HasMaxLength(100);
            agent.Property(a => a.TenantId).HasColumnName("tenant_id").HasMaxLength(100);
            agent.Property(a => a.Name).HasColumnName("name").HasMaxLength(200);
        });

        modelBuilder.Entity<AgentTask>(task =>
        {
            task.ToTable("tasks");
            task.HasKey(t => t.Id);
            task.Property(t => t.Id).HasColumnName("id");
            task.Property(t => t.AgentId).HasColumnName("agent_id").HasMaxLength(100);
            task.Property(t => t.TenantId).HasColumnName("tenant_id").HasMaxLength(100);
            task.Property(t => t.TaskType).HasColumnName("task_type").HasMaxLength(100);
            task.Property(t => t.InputData).HasColumnName("input_data").HasColumnType("jsonb");
            task.Property(t => t.Priority).HasColumnName("priority").HasMaxLength(10);
            task.Property(t => t.Status).HasColumnName("status").HasMaxLength(20);
            task.Property(t => t.CreatedAt).HasColumnName("created_at");
            task.Property(t => t.StartedAt).HasColumnName("started_at");
            task.Property(t => t.CompletedAt).HasColumnName("completed_at");
            task.Property(t => t.EstimatedCompletion).HasColumnName("estimated_completion");
            task.Property(t => t.RequestId).HasColumnName("request_id").HasMaxLength(64);
            task.Property(t => t.TraceParent).HasColumnName("trace_parent").HasMaxLength(TraceParentLength);
            task.HasOne<Agent>().WithMany().HasForeignKey(t => t.AgentId);
            task.HasIndex(t => new { t.Status, t.CreatedAt });
            task.HasIndex(t => new { t.Status, t.StartedAt });
        });

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("outbox");
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            message.Property(m => m.EventId).HasColumnName("event_id").HasDefaultValueSql("gen_random_uuid()");
            message.Property(m => m.Type).HasColumnName("type").HasMaxLength(50);
            message.Property(m => m.AgentId).HasColumnName("agent_id").HasMaxLength(100);
            message.Property(m => m.TenantId).HasColumnName("tenant_id").HasMaxLength(100);
            message.Property(m => m.Data).HasColumnName("data").HasColumnType("jsonb");
            message.Property(m => m.OccurredAt).HasColumnName("occurred_at");
            message.Property(m => m.RequestId).HasColumnName("request_id").HasMaxLength(64);
            message.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(TraceParentLength);
            message.Property(m => m.SentAt).HasColumnName("sent_at");
            message.HasIndex(m => m.Id).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_unsent");
        });
    }
}
