using System.Net;
using System.Text.Json;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class OpenApiTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    [Fact]
    public async Task The_openapi_document_covers_the_public_api_and_its_security_schemes()
    {
        using var client = edge.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/api/v1/openapi.json", TestContext.Current.CancellationToken);

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/token", "/api/v1/health", "/api/v1/agents/{agentId}/tasks", "/api/v1/events/stream", "/api/v1/audit/events", "/api/v1/auth/api-keys" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing");
        }

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("X-API-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_portal_is_served_at_docs()
    {
        using var client = edge.CreateClient();
        using var response = await client.GetAsync("/docs", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("AgentCore Gateway API", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
