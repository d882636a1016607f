using System.Text.Json;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>Reads the audit Redis stream the service writes to (in the background, so reads poll for a while).</summary>
internal static class AuditStream
{
    public static async Task<List<AuditEvent>> WaitForAsync(IdentityServerFixture fixture, Func<AuditEvent, bool> match)
    {
        await using var redis = await fixture.ConnectRedisAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var entries = await redis.GetDatabase().StreamRangeAsync(StreamNames.AuditEvents);
            var events = entries
                .Select(entry => JsonSerializer.Deserialize<AuditEvent>((string)entry[StreamNames.PayloadField]!)!)
                .Where(match)
                .ToList();
            if (events.Count > 0 || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
