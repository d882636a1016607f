using System.Diagnostics;
using System.Globalization;
using System.Text;
using AgentCore.Gateway.Authentication.EdgeTrust;
using Microsoft.AspNetCore.WebUtilities;

// What covering the body with the Edge's signature costs one side (the Edge or a backend), per request, by body size:
// the HMAC alone (every request pays it), and the body buffered as ASP.NET Core's EnableBuffering buffers it
// (memory up to 30 KiB, a temporary file above; or, as the trust middleware buffers, in memory up to the 1 MiB limit),
// hashed with SHA-256 while read to its end, and rewound.
// Sizes run up to the Edge's 1 MiB limit. Usage: EdgeTrustBench [iterations-per-size]
var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000;
var key = Encoding.UTF8.GetBytes("bench-only-edge-trust-key-0123456789abcdefghij");
var signed = new EdgeSignedRequest("POST", "/api/v1/agents/agent-1/tasks", "?agent_id=agent-1&types=task.completed",
    Guid.NewGuid().ToString("D"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), new EdgeCaller("acme", "agentcore-cli", "alice", "agents.read agents.write"),
    "203.0.113.7", string.Empty);

Console.WriteLine($"{"what",-32} {"bytes",9} {"median us",10} {"p99 us",9}");
for (var round = 1; round <= 3; round++)
{
    Report("HMAC of the canonical form", 0, Measure(iterations * 10, () =>
    {
        _ = EdgeSignature.Compute(key, signed);
        return Task.CompletedTask;
    }));
    foreach (var size in new[] { 1024, 16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024 })
    {
        var body = new byte[size];
        Random.Shared.NextBytes(body);
        Report("buffer (file > 30 KiB) + SHA-256", size, Measure(size >= 256 * 1024 ? iterations / 10 : iterations, async () =>
        {
            await using var buffered = new FileBufferingReadStream(new MemoryStream(body, writable: false), 30 * 1024);
            _ = await EdgeSignature.DigestAsync(buffered, long.MaxValue, CancellationToken.None);
            buffered.Position = 0;
        }));
        Report("buffer in memory + SHA-256", size, Measure(size >= 256 * 1024 ? iterations / 10 : iterations, async () =>
        {
            await using var buffered = new FileBufferingReadStream(new MemoryStream(body, writable: false), 1024 * 1024);
            _ = await EdgeSignature.DigestAsync(buffered, long.MaxValue, CancellationToken.None);
            buffered.Position = 0;
        }));
        Report("SHA-256 alone (body in memory)", size, Measure(size >= 256 * 1024 ? iterations / 10 : iterations, async () =>
            _ = await EdgeSignature.DigestAsync(new MemoryStream(body, writable: false), long.MaxValue, CancellationToken.None)));
    }
}

static double[] Measure(int count, Func<Task> action)
{
    for (var warm = 0; warm < Math.Min(count, 200); warm++)
    {
        action().GetAwaiter().GetResult();
    }

    var samples = new double[count];
    for (var index = 0; index < count; index++)
    {
        var start = Stopwatch.GetTimestamp();
        action().GetAwaiter().GetResult();
        samples[index] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    Array.Sort(samples);
    return samples;
}

static void Report(string what, int bytes, double[] sorted) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-32} {bytes,9} {sorted[sorted.Length / 2],10:F1} {sorted[(int)(sorted.Length * 0.99)],9:F1}"));
