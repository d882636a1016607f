using System.Globalization;
using System.Net;

namespace AgentCore.Gateway.Resilience.Tests.Load;

/// <summary>
/// What one fault did to the load: how long the fault lasted and recovery took, the tasks and tokens asked for and how
/// they were answered, and what the subscribers received. Printed to the test output, and appended as a table row to
/// the file named by <c>RESILIENCE_REPORT</c> when set (<c>bench/resilience/run.sh</c> sets it).
/// </summary>
internal sealed record FaultReport(
    string Fault,
    TimeSpan Outage,
    TimeSpan Recovery,
    TimeSpan DeliveryAfterStop,
    int TasksSent,
    int TasksCreated,
    int TasksRefused,
    int TasksFailed,
    int Subscribers,
    int DeliveredPerSubscriber,
    int Duplicates,
    int Lost,
    int Reconnects,
    int TokensIssued,
    int TokensRefused,
    int TokensFailed,
    string LoadAverage)
{
    public const string Header =
        "| fault | outage s | recovery s | tasks sent | 201 | 503 | other | subscribers | delivered each | duplicates | lost | reconnects | tokens 200 / 503 / other | load avg |\n" +
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    public static FaultReport From(string fault, SteadyLoad load, TimeSpan outage, TimeSpan recovery, TimeSpan deliveryAfterStop)
    {
        var created = load.CreatedTaskIds;
        var delivered = load.Subscribers.Select(subscriber => subscriber.Received(created)).DefaultIfEmpty(0).Min();
        return new FaultReport(
            fault,
            outage,
            recovery,
            deliveryAfterStop,
            load.Tasks.Count,
            created.Count,
            load.Tasks.Count(attempt => attempt.IsUnavailable),
            load.Tasks.Count(attempt => attempt.Status != HttpStatusCode.Created && !attempt.IsUnavailable),
            load.Subscribers.Count,
            delivered,
            load.Subscribers.Sum(subscriber => subscriber.Duplicates),
            created.Count - delivered,
            load.Subscribers.Sum(subscriber => subscriber.Reconnects),
            load.Tokens.Count(attempt => attempt.Status == HttpStatusCode.OK),
            load.Tokens.Count(attempt => attempt.IsUnavailable),
            load.Tokens.Count(attempt => attempt.Status != HttpStatusCode.OK && !attempt.IsUnavailable),
            File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a");
    }

    private static string Answers(IEnumerable<Attempt> attempts, HttpStatusCode success) =>
        string.Join(", ", attempts.Where(attempt => attempt.Status != success)
            .GroupBy(attempt => $"{(attempt.Status is { } status ? (int)status : "no answer")} {attempt.ErrorCode}")
            .Select(group => $"{group.Key} x{group.Count()}")) is { Length: > 0 } listed ? listed : "none";

    public string Row => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault} | {Outage.TotalSeconds:0.0} | {Recovery.TotalSeconds:0.0} | {TasksSent} | {TasksCreated} | {TasksRefused} | {TasksFailed} | {Subscribers} | {DeliveredPerSubscriber} | {Duplicates} | {Lost} | {Reconnects} | {TokensIssued} / {TokensRefused} / {TokensFailed} | {LoadAverage} |");

    /// <summary>Prints the row and every answer that was not a success, and appends the row to <c>RESILIENCE_REPORT</c> when that is set.</summary>
    public void Write(SteadyLoad load)
    {
        var text = $"{Header}\n{Row}\nnot a success: tasks {Answers(load.Tasks, HttpStatusCode.Created)}; tokens {Answers(load.Tokens, HttpStatusCode.OK)}"
            + $"\nreconnects: {string.Join(", ", load.Subscribers.Select(subscriber => $"{subscriber.Name} {subscriber.Reconnects}"))}";
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        TestContext.Current.SendDiagnosticMessage($"[resilience {ResilienceProfile.Current.Name}] {Row}");
        if (Environment.GetEnvironmentVariable("RESILIENCE_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, Row + "\n");
        }
    }
}
