namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>The valid <c>priority</c> values; <c>normal</c> when absent.</summary>
internal static class TaskPriorities
{
    public const string Low = "low";
    public const string Default = "normal";
    public const string High = "high";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Low, Default, High };
}
