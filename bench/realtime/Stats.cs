namespace AgentCore.Gateway.Bench.Realtime;

internal static class Stats
{
    /// <summary>The nearest-rank percentile (<paramref name="rank"/> from 0 to 1) of <paramref name="sorted"/>; NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double rank) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(rank * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Describe(IReadOnlyList<double> sorted) =>
        $"p50 {Percentile(sorted, 0.50):F1} ms, p95 {Percentile(sorted, 0.95):F1} ms, p99 {Percentile(sorted, 0.99):F1} ms, max {Percentile(sorted, 1.0):F1} ms";
}
