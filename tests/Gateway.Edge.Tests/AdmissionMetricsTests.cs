using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using AgentCore.Gateway.Edge.Admission;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// Admission records the metrics ASP.NET Core's authentication and authorization middlewares recorded before it
/// replaced them, under their names and tags, which the Edge's dashboards read.
/// </summary>
public sealed class AdmissionMetricsTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string TaskPath = "/api/v1/agents/agent-1/tasks/task-1";

    [Fact]
    public async Task Authentication_results_and_authorization_attempts_are_recorded_with_their_tags()
    {
        // Read through this Edge's own meter factory: other Edges in the test process export meters of the same name.
        var meters = edge.Services.GetRequiredService<IMeterFactory>();
        using var authentications = new MetricCollector<double>(meters, AdmissionMetrics.MeterName, "aspnetcore.authentication.authenticate.duration");
        using var attempts = new MetricCollector<long>(meters, AdmissionMetrics.MeterName, "aspnetcore.authorization.attempts");
        using var client = edge.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, edge.ValidToken()));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, edge.ValidToken("events.read")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "not-a-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, token: null));

        Assert.Equal(["success", "success", "failure", "none"], authentications.GetMeasurementSnapshot().Select(m => m.Tags["aspnetcore.authentication.result"]));
        Assert.All(authentications.GetMeasurementSnapshot(), m => Assert.Equal("Gateway", m.Tags["aspnetcore.authentication.scheme"]));
        var outcomes = attempts.GetMeasurementSnapshot().Select(m => (m.Tags["aspnetcore.authorization.policy"], m.Tags["aspnetcore.authorization.result"], m.Tags["user.is_authenticated"]));
        Assert.Equal(
            [("agents.read", "success", true), ("agents.read", "failure", true), ("agents.read", "failure", false), ("agents.read", "failure", false)],
            outcomes.Select(outcome => ((string?)outcome.Item1, (string?)outcome.Item2, (bool?)outcome.Item3)));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TaskPath);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
