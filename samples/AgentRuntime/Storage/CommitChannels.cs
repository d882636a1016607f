namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>
/// The PostgreSQL notification channels on which the database announces committed work: triggers (see the
/// <c>WakeOnCommit</c> migration) call <c>pg_notify</c> after every insert into <c>tasks</c> and <c>outbox</c>, and
/// PostgreSQL delivers a notification only when its transaction commits, never for a rollback.
/// </summary>
internal static class CommitChannels
{
    public const string Tasks = "agent_runtime_tasks";
    public const string Outbox = "agent_runtime_outbox";
}
