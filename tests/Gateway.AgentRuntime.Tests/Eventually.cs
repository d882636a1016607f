using System.Text.Json;
using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Samples.AgentRuntime.Tests;

internal static class Eventually
{
    /// <summary>Checks <paramref name="condition"/> every 100 ms and fails the test when it is still false after <paramref name="within"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not true within {within}: {what}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, TimeSpan within, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), within, what);

    /// <summary>The types of the events about <paramref name="taskId"/> in the agent-events stream, oldest first.</summary>
    public static async Task<List<string>> PublishedEventTypesAsync(IConnectionMultiplexer redis, Guid taskId)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(StreamNames.AgentEvents);
        return entries
            .Select(entry => JsonDocument.Parse(entry[StreamNames.PayloadField].ToString()).RootElement)
            .Where(payload => payload.GetProperty("data").GetProperty("task_id").GetGuid() == taskId)
            .Select(payload => payload.GetProperty("type").GetString()!)
            .ToList();
    }
}
