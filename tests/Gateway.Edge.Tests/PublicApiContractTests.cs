using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport.OpenApi;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// The Edge's side of the public API contract: the document it serves carries everything of the composed document
/// (the services' tests check their answers against the same composition), and the answers the Edge gives itself
/// (health, refusals before a backend is reached) are the documented ones.
/// </summary>
public sealed class PublicApiContractTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string TasksPath = "/api/v1/agents/{agentId}/tasks";
    private const string TaskPath = "/api/v1/agents/{agentId}/tasks/{taskId}";
    private const string AuditEvents = "/api/v1/audit/events";
    private const string EventStream = "/api/v1/events/stream";
    private static readonly PublicApiContract Contract = PublicApiContract.Document;

    [Fact]
    public async Task The_served_document_keeps_every_operation_response_parameter_and_schema_property_of_the_composition()
    {
        using var client = edge.CreateClient();
        var served = await client.GetFromJsonAsync<JsonObject>("/api/v1/openapi.json", TestContext.Current.CancellationToken);
        var source = PublicApiContract.Compose();

        var missing = Outline(source).Except(Outline(served!)).ToList();

        PublicApiContractException.ThrowIfAny(missing.Select(item => $"served document lacks {item}").ToList());
    }

    [Fact]
    public void The_contract_check_reports_every_kind_of_departure_and_accepts_a_matching_answer()
    {
        var schema = Contract.Schema("ApiKeyCreated");
        var matching = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["id"] = Guid.NewGuid(), ["name"] = "ci", ["tenant_id"] = "acme", ["scopes"] = new JsonArray("agents.read"),
            ["created_at"] = DateTimeOffset.UtcNow, ["expires_at"] = DateTimeOffset.UtcNow.AddDays(1), ["key"] = "agc_secret",
        });
        var departing = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["id"] = "not-a-uuid", ["name"] = 7, ["tenant_id"] = "acme", ["scopes"] = new JsonArray("gateway.admin"),
            ["created_at"] = "yesterday", ["key"] = "secret", ["revoked"] = true,
        });

        var violations = Contract.Violations(departing, schema);

        Assert.Empty(Contract.Violations(matching, schema));
        string[] expected =
        [
            "$: required property 'expires_at' is missing",
            "$.id: 'not-a-uuid' is not a UUID",
            "$.name: expected string, got number 7",
            "$.scopes[0]: \"gateway.admin\" is not one of",
            "$.created_at: 'yesterday' is not an RFC 3339 date-time",
            "$.key: 'secret' does not match ^agc_",
            "$.revoked: the property is not documented",
        ];
        Assert.Equal(expected.Length, violations.Count);
        Assert.All(expected, message => Assert.Contains(violations, violation => violation.StartsWith(message, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Health_is_the_documented_answer()
    {
        using var client = edge.CreateClient();
        using var response = await client.GetAsync("/api/v1/health", TestContext.Current.CancellationToken);

        await Contract.AssertMatchesAsync("get", "/api/v1/health", response, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Refusals_the_Edge_makes_itself_are_the_documented_ones()
    {
        using var client = edge.CreateClient();
        var writer = edge.ValidToken();
        var reader = edge.ValidToken("agents.read");

        await MatchesAsync(client, "post", TasksPath, "/api/v1/agents/agent-1/tasks", null, Json("{}"), HttpStatusCode.Unauthorized);
        await MatchesAsync(client, "post", TasksPath, "/api/v1/agents/agent-1/tasks", reader, Json("{}"), HttpStatusCode.Forbidden);
        await MatchesAsync(client, "post", TasksPath, "/api/v1/agents/agent-1/tasks", writer, new StringContent("task_type=x", Encoding.UTF8, "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await MatchesAsync(client, "post", TasksPath, "/api/v1/agents/agent-1/tasks", writer, Json("""{"task_type": """), HttpStatusCode.BadRequest);
        await MatchesAsync(client, "post", TasksPath, "/api/v1/agents/agent-1/tasks", writer, Json(new string(' ', 1024 * 1024 + 1)), HttpStatusCode.RequestEntityTooLarge);
        await MatchesAsync(client, "get", TaskPath, $"/api/v1/agents/agent-1/tasks/{Guid.NewGuid()}", null, null, HttpStatusCode.Unauthorized);
        await MatchesAsync(client, "get", TaskPath, $"/api/v1/agents/agent-1/tasks/{Guid.NewGuid()}", writer, null, HttpStatusCode.BadRequest, requestId: "not-a-uuid");
        await MatchesAsync(client, "get", AuditEvents, AuditEvents, null, null, HttpStatusCode.Unauthorized);
        await MatchesAsync(client, "get", AuditEvents, AuditEvents, reader, null, HttpStatusCode.Forbidden);
        await MatchesAsync(client, "get", AuditEvents, AuditEvents, reader, null, HttpStatusCode.BadRequest, requestId: "not-a-uuid");
        await MatchesAsync(client, "get", "/api/v1/health", "/api/v1/health", null, null, HttpStatusCode.BadRequest, requestId: "not-a-uuid");
        await MatchesAsync(client, "get", EventStream, EventStream, null, null, HttpStatusCode.Unauthorized);
        await MatchesAsync(client, "get", EventStream, EventStream, reader, null, HttpStatusCode.Forbidden);
    }

    /// <summary>Every operation, response status, parameter and schema property of a document, one line each.</summary>
    private static IEnumerable<string> Outline(JsonObject document)
    {
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                yield return $"{method} {path}";
                foreach (var (mediaType, _) in operation!["requestBody"]?["content"] as JsonObject ?? [])
                {
                    yield return $"{method} {path} request {mediaType}";
                }

                foreach (var (status, response) in operation["responses"]!.AsObject())
                {
                    yield return $"{method} {path} {status}";
                    foreach (var (mediaType, media) in response!["content"] as JsonObject ?? [])
                    {
                        yield return $"{method} {path} {status} {mediaType}";
                        foreach (var (eventName, _) in media!["x-event-schemas"] as JsonObject ?? [])
                        {
                            yield return $"{method} {path} {status} {mediaType} event {eventName}";
                        }
                    }
                }

                foreach (var parameter in operation["parameters"] as JsonArray ?? [])
                {
                    yield return $"{method} {path} {parameter!["in"]} parameter {parameter["name"]}";
                }
            }
        }

        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
        {
            yield return $"schema {name}";
            foreach (var (property, _) in schema!["properties"] as JsonObject ?? [])
            {
                yield return $"schema {name} property {property}";
            }

            foreach (var required in schema["required"] as JsonArray ?? [])
            {
                yield return $"schema {name} required {required}";
            }
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task MatchesAsync(
        HttpClient client, string method, string documentedPath, string path, string? token, HttpContent? content, HttpStatusCode expected, string? requestId = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (requestId is not null)
        {
            request.Headers.TryAddWithoutValidation(GatewayHeaders.RequestId, requestId);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        await Contract.AssertMatchesAsync(method, documentedPath, response, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}");
    }
}
