using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.EndToEnd.Tests;

[Collection(GatewayStackGroup.Name)]
public sealed class AuditTrailTests(GatewayStackFixture stack)
{
    private const string WrongSecret = "not-the-service-secret";

    [Fact]
    public async Task A_refused_and_an_issued_token_both_reach_the_audit_trail_without_any_secret()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = stack.CreateEdgeClient();
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);

        using (var refused = await StackCredentials.RequestClientTokenAsync(client, "agentcore-service", WrongSecret, GatewayScopes.AgentsRead))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var issuedToken = await StackCredentials.GetServiceTokenAsync(client, GatewayScopes.AgentsRead);
        var adminToken = await StackCredentials.GetClientTokenAsync(client, "agentcore-admin", "dev-admin-secret", GatewayScopes.AuditRead);

        var trail = await Eventually.ReachesAsync(
            token => ReadTrailAsync(client, adminToken, since, token),
            events => events.Any(e => Is(e, AuditEventTypes.TokenFailed, AuditOutcomes.Failure))
                && events.Any(e => Is(e, AuditEventTypes.TokenIssued, AuditOutcomes.Success)),
            TimeSpan.FromSeconds(60),
            cancellationToken);

        var everything = string.Join('\n', trail.Select(e => e.GetRawText()));
        Assert.DoesNotContain(WrongSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("dev-service-secret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(issuedToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_query_needs_audit_read()
    {
        using var client = stack.CreateEdgeClient();
        var serviceToken = await StackCredentials.GetServiceTokenAsync(client, GatewayScopes.AgentsRead);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/audit/events");
        request.Authorize(serviceToken);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static bool Is(JsonElement auditEvent, string type, string outcome) =>
        auditEvent.GetProperty("type").GetString() == type
        && auditEvent.GetProperty("outcome").GetString() == outcome
        && auditEvent.GetProperty("actor").GetProperty("client_id").GetString() == "agentcore-service";

    private static async Task<IReadOnlyList<JsonElement>> ReadTrailAsync(
        HttpClient client, string adminToken, DateTimeOffset since, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Get, $"/api/v1/audit/events?client_id=agentcore-service&from={Uri.EscapeDataString(since.ToString("O"))}&limit=100");
        request.Authorize(adminToken);
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The audit query answered {(int)response.StatusCode}: {body}");
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone())];
    }
}
