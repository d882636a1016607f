namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>The valid <c>priority</c> values; <c>normal</c> when absent.</summary>
internal static class TaskPriorities
{
    public const string Default = "normal";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { "low", "normal", "high" };
}
