using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.EndToEnd.Tests;

[Collection(GatewayStackGroup.Name)]
public sealed class GatewayHealthTests(GatewayStackFixture stack)
{
    private static readonly TimeSpan ProbeWindow = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Health_through_the_edge_reports_every_service_healthy()
    {
        using var client = stack.CreateEdgeClient();

        var report = await Eventually.ReachesAsync(
            token => GetHealthAsync(client, token),
            health => health.Status == "healthy",
            ProbeWindow,
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        foreach (var service in new[] { ServiceNames.Identity, ServiceNames.Realtime, ServiceNames.Audit, ServiceNames.AgentRuntime, ServiceNames.Redis })
        {
            Assert.Equal("healthy", report.ServiceStatus(service));
        }

        Assert.False(string.IsNullOrEmpty(report.Body.GetProperty("version").GetString()));
        Assert.True(report.Body.GetProperty("timestamp").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task Health_turns_degraded_while_a_backend_is_stopped_and_recovers_when_it_returns()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = stack.CreateEdgeClient();
        await Eventually.ReachesAsync(token => GetHealthAsync(client, token), health => health.Status == "healthy", ProbeWindow, cancellationToken);

        await stack.StopResourceAsync(ServiceNames.AgentRuntime, cancellationToken);
        try
        {
            var degraded = await Eventually.ReachesAsync(
                token => GetHealthAsync(client, token),
                health => health.Status == "degraded",
                ProbeWindow,
                cancellationToken);

            Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
            Assert.Equal("unhealthy", degraded.ServiceStatus(ServiceNames.AgentRuntime));
            Assert.Equal("healthy", degraded.ServiceStatus(ServiceNames.Identity));
        }
        finally
        {
            await stack.StartResourceAsync(ServiceNames.AgentRuntime, cancellationToken);
        }

        await Eventually.ReachesAsync(token => GetHealthAsync(client, token), health => health.Status == "healthy", ProbeWindow, cancellationToken);
    }

    private static async Task<HealthObservation> GetHealthAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri("/api/v1/health", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return new HealthObservation(response.StatusCode, body);
    }

    private sealed record HealthObservation(HttpStatusCode StatusCode, JsonElement Body)
    {
        public string? Status => Body.GetProperty("status").GetString();

        public string? ServiceStatus(string service) =>
            Body.GetProperty("services").TryGetProperty(service, out var entry) ? entry.GetProperty("status").GetString() : null;

        public override string ToString() => $"{(int)StatusCode} {Body}";
    }
}
