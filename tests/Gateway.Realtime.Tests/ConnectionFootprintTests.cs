using System.Diagnostics;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>What an open connection keeps alive through the request it was upgraded from.</summary>
[Collection(RealtimeGroup.Name)]
public sealed class ConnectionFootprintTests(RealtimeFixture fixture)
{
    /// <summary>
    /// ASP.NET Core creates a request <see cref="Activity"/> and a hosting log scope for every request whose hosting
    /// diagnostics logger is enabled, even with no trace listener, and a WebSocket keeps both for its whole life.
    /// </summary>
    [Fact]
    public async Task Hosting_diagnostics_logger_is_off_so_requests_make_no_activity_without_a_trace_listener()
    {
        await using var server = fixture.StartRealtime();
        var hosting = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");

        Assert.False(hosting.IsEnabled(LogLevel.Critical));
    }
}
