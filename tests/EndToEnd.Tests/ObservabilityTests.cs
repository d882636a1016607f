using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Deploy.Tests;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// The alerting rules and dashboards of <c>deploy/</c> against the running stack: every series they select is one a
/// service really exports, and the AppHost's Prometheus scrapes every service and evaluates every alert.
/// </summary>
[Collection(GatewayStackGroup.Name)]
public sealed class ObservabilityTests(GatewayStackFixture stack)
{
    private const string Prometheus = "prometheus";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private static readonly string[] AlertStates = ["inactive", "pending", "firing"];

    [Fact]
    public async Task Every_series_the_alerts_and_dashboards_select_is_exported_by_a_service()
    {
        var used = RepositoryFiles.RuleFiles.SelectMany(PromQl.RuleExpressions)
            .Concat(RepositoryFiles.Dashboards.SelectMany(PromQl.DashboardExpressions))
            .SelectMany(query => PromQl.MetricNames(query.Expression))
            .Where(name => !PromQl.ScrapeSeries.Contains(name))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("gateway_edge_cluster_open_breakers", used);

        // Counters and histograms appear once they have counted something: make the traffic each one counts.
        await MakeTrafficAsync();

        var missing = await Eventually.ReachesAsync(
            async cancellationToken => "missing: " + string.Join(", ", used.Except(await ExportedSeriesAsync(cancellationToken)).Order(StringComparer.Ordinal)),
            names => names == "missing: ",
            Settle,
            TestContext.Current.CancellationToken);
        Assert.Equal("missing: ", missing);
    }

    [Fact]
    public async Task Prometheus_scrapes_every_service_and_evaluates_each_alert()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(Prometheus, cancellation);
        using var prometheus = new HttpClient { BaseAddress = stack.App.GetEndpoint(Prometheus, "http") };

        var targets = await Eventually.ReachesAsync(
            async token => await TargetHealthAsync(prometheus, token),
            health => GatewayStackFixture.Services.All(service => health.GetValueOrDefault(service) == "up"),
            Settle,
            cancellation);
        TestContext.Current.SendDiagnosticMessage("targets: " + string.Join(", ", targets.Select(target => $"{target.Key}={target.Value}")));

        var alerts = await Eventually.ReachesAsync(
            async token => await AlertStatesAsync(prometheus, token),
            states => states.Count == 5 && states.Values.All(state => state.Health == "ok"),
            Settle,
            cancellation);
        foreach (var (alert, (state, health)) in alerts)
        {
            TestContext.Current.SendDiagnosticMessage($"alert {alert}: {state} ({health})");
            Assert.Contains(state, AlertStates);
        }

        var urls = stack.App.Services.GetRequiredService<ResourceNotificationService>()
            .TryGetCurrentState(Prometheus, out var snapshot) ? snapshot.Snapshot.Urls.Select(url => url.Url).ToList() : [];
        Assert.Contains(urls, url => url.EndsWith("/alerts", StringComparison.Ordinal));
    }

    /// <summary>
    /// A token, authenticated and refused calls, a TLS connection, a burst that the rate limits refuse, a WebSocket
    /// that receives a task's event and closes, and an event stream the client leaves.
    /// </summary>
    private async Task MakeTrafficAsync()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var edge = stack.CreateEdgeClient();
        var token = await StackCredentials.GetServiceTokenAsync(edge, $"{GatewayScopes.EventsRead} {GatewayScopes.AgentsRead} {GatewayScopes.AgentsWrite}");
        using (var refused = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-1/tasks"))
        {
            refused.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
            using var response = await edge.SendAsync(refused, cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The Edge serves the ASP.NET Core development certificate, which is not trusted on a fresh machine: accept that one only.
        using (var https = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => IsDevelopmentCertificate(certificate) } }))
        {
            using var response = await https.GetAsync(stack.App.GetEndpoint(ServiceNames.Edge, "https") + "api/v1/health", cancellation);
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{response.StatusCode}");
        }

        // A key that may read, so that its requests reach the limits: refusals for a missing scope cost a caller nothing.
        var key = await StackCredentials.CreateApiKeyAsync(stack, "acme", GatewayScopes.AgentsRead);
        var limited = false;
        for (var burst = 0; burst < 5 && !limited; burst++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-1/tasks");
                request.Headers.Add(ApiKeys.Header, key);
                using var response = await edge.SendAsync(request, cancellation);
                return response.StatusCode;
            }));
            limited = statuses.Contains(HttpStatusCode.TooManyRequests);
        }

        Assert.True(limited, "No request of the bursts was refused by the rate limits.");

        await using (var socket = await AgentSocket.ConnectAsync(stack.EdgeAddress, "agent-1", token))
        {
            await socket.SubscribeAsync(AgentEventTypes.AgentStatusChanged);
            await AgentTasks.CreateAsync(edge, "agent-1", request => request.Authorize(token));
            Received received;
            do
            {
                received = await socket.ReceiveAsync(TimeSpan.FromMinutes(2));
                Assert.True(received.CloseStatus is null, $"The server closed the socket: {received.CloseStatus}");
            }
            while (received.Type != "event");
        }

        await using (await SseStream.OpenAsync(stack.EdgeAddress, "?agent_id=agent-1", token))
        {
        }
    }

    private static bool IsDevelopmentCertificate(System.Security.Cryptography.X509Certificates.X509Certificate? certificate) =>
        certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 served
        && served.Extensions.Any(extension => extension.Oid?.Value == "1.3.6.1.4.1.311.84.1.1");

    /// <summary>The names of the series every service's metrics endpoint (management, else http) exports now.</summary>
    private async Task<HashSet<string>> ExportedSeriesAsync(CancellationToken cancellationToken)
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var client = new HttpClient();
        foreach (var project in model.Resources.OfType<ProjectResource>())
        {
            var endpoint = project.Annotations.OfType<EndpointAnnotation>().Any(annotation => annotation.Name == "management") ? "management" : "http";
            var exposition = await client.GetStringAsync(new Uri(stack.App.GetEndpoint(project.Name, endpoint), "/metrics"), cancellationToken);
            names.UnionWith(exposition.Split('\n')
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line => line[..line.IndexOfAny([' ', '{'])]));
        }

        return names;
    }

    private static async Task<Dictionary<string, string>> TargetHealthAsync(HttpClient prometheus, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/targets", cancellationToken));
        return document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .ToDictionary(target => target.GetProperty("labels").GetProperty("job").GetString()!, target => target.GetProperty("health").GetString()!);
    }

    private static async Task<Dictionary<string, (string State, string Health)>> AlertStatesAsync(HttpClient prometheus, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/rules?type=alert", cancellationToken));
        return document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .ToDictionary(rule => rule.GetProperty("name").GetString()!, rule => (rule.GetProperty("state").GetString()!, rule.GetProperty("health").GetString()!));
    }
}
