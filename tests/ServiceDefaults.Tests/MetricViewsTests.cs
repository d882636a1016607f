using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace AgentCore.Gateway.ServiceDefaults.Tests;

public sealed class MetricViewsTests
{
    /// <summary>
    /// Instruments updated on every request that no dashboard or alert reads are left disabled, so the framework skips
    /// their work; the ones deploy/grafana and deploy/prometheus read are recorded.
    /// </summary>
    [Theory]
    [InlineData("Microsoft.AspNetCore.Hosting", "http.server.active_requests", false)]
    [InlineData("Microsoft.AspNetCore.Routing", "aspnetcore.routing.match_attempts", false)]
    [InlineData("System.Net.Http", "http.client.request.duration", false)]
    [InlineData("System.Net.Http", "http.client.active_requests", false)]
    [InlineData("System.Net.Http", "http.client.request.time_in_queue", false)]
    [InlineData("System.Net.Http", "http.client.open_connections", false)]
    [InlineData("Microsoft.AspNetCore.Hosting", "http.server.request.duration", true)]
    [InlineData("Microsoft.AspNetCore.Server.Kestrel", "kestrel.active_connections", true)]
    [InlineData("AgentCore.Gateway.Edge.Admission", "aspnetcore.authorization.attempts", true)]
    public void Only_instruments_a_dashboard_or_alert_reads_are_recorded_per_request(string meterName, string instrumentName, bool recorded)
    {
        using var app = WebApplication.CreateSlimBuilder().AddServiceDefaults().Build();
        _ = app.Services.GetRequiredService<MeterProvider>();
        using var meter = app.Services.GetRequiredService<IMeterFactory>().Create(meterName);

        var instrument = meter.CreateCounter<long>(instrumentName);

        Assert.Equal(recorded, instrument.Enabled);
    }
}
