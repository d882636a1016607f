using Microsoft.EntityFrameworkCore;

namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>The PostgreSQL store of agents and their tasks.</summary>
internal sealed class AgentsDbContext(DbContextOptions<AgentsDbContext> options) : DbContext(options);
