using System.Diagnostics;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// Starts one operation per interval on a fixed schedule (never catching up by bursting beyond it) and counts the ones
/// that failed; both latency sources, tasks through the Edge and appends onto the stream, drive their rate with it.
/// </summary>
internal static class FixedRateDriver
{
    public static async Task<(int Succeeded, int Failed)> RunAsync(TimeSpan interval, TimeSpan duration, Func<int, Task> start)
    {
        var total = (int)(duration / interval);
        var failed = 0;
        var inFlight = new List<Task>();
        var begun = Stopwatch.GetTimestamp();
        for (var index = 0; index < total; index++)
        {
            var due = interval * index - Stopwatch.GetElapsedTime(begun);
            if (due > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(due);
            }

            inFlight.Add(start(index));
            if (inFlight.Count >= 256)
            {
                inFlight.RemoveAll(task => task.IsCompleted && (task.IsCompletedSuccessfully || Interlocked.Increment(ref failed) > 0));
            }
        }

        await Task.WhenAll(inFlight.Select(task => task.ContinueWith(done => { if (!done.IsCompletedSuccessfully) Interlocked.Increment(ref failed); }, TaskScheduler.Default)));
        return (total - failed, failed);
    }
}
