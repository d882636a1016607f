using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.TestSupport.OpenApi;

namespace AgentCore.Samples.AgentRuntime.Tests;

/// <summary>
/// Holds the tasks API's real answers against the OpenAPI document the Edge publishes, and the documented request body
/// against what the endpoint reads: every documented property, sent with the wrong JSON type, must be reported.
/// </summary>
public sealed class PublicApiContractTests(AgentRuntimeFixture runtime) : IClassFixture<AgentRuntimeFixture>
{
    private const string TasksPath = "/api/v1/agents/{agentId}/tasks";
    private const string TaskPath = "/api/v1/agents/{agentId}/tasks/{taskId}";
    private static readonly PublicApiContract Contract = PublicApiContract.Document;

    [Fact]
    public async Task The_snapshot_the_Edge_composes_from_is_the_document_the_service_serves()
    {
        using var client = runtime.CreateClient(tenant: null);
        await PublicApiSnapshot.AssertCurrentAsync(client, "agentruntime", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Task_answers_are_the_documented_ones()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = runtime.CreateClient();

        var created = await MatchesAsync("post", TasksPath, await PostAsync(client, "agent-1", SampleTask().ToJsonString()), HttpStatusCode.Created);
        var taskId = created.GetProperty("task_id").GetGuid();
        await MatchesAsync("get", TaskPath, await client.GetAsync($"/api/v1/agents/agent-1/tasks/{taskId}", cancellationToken), HttpStatusCode.OK);
        await MatchesAsync("get", TaskPath, await client.GetAsync($"/api/v1/agents/agent-1/tasks/{Guid.NewGuid()}", cancellationToken), HttpStatusCode.NotFound);
        await MatchesAsync("get", TaskPath, await client.GetAsync("/api/v1/agents/agent-1/tasks/not-a-uuid", cancellationToken), HttpStatusCode.NotFound);

        await MatchesAsync("post", TasksPath, await PostAsync(client, "agent-9", SampleTask().ToJsonString()), HttpStatusCode.NotFound);
        await MatchesAsync("post", TasksPath, await PostAsync(client, "agent-1", """{"task_type": """), HttpStatusCode.BadRequest);
        await MatchesAsync("post", TasksPath, await PostAsync(client, "agent-1", "{}"), HttpStatusCode.UnprocessableEntity);
        using var notJson = new StringContent("task_type=analyze", Encoding.UTF8, "text/plain");
        await MatchesAsync("post", TasksPath, await client.PostAsync("/api/v1/agents/agent-1/tasks", notJson, cancellationToken), HttpStatusCode.UnsupportedMediaType);

        using var anonymous = runtime.CreateClient(tenant: null);
        await MatchesAsync("post", TasksPath, await PostAsync(anonymous, "agent-1", SampleTask().ToJsonString()), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Every_documented_request_property_is_read_with_its_documented_rules()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = runtime.CreateClient();
        var schema = Contract.RequestSchema("post", TasksPath);
        PublicApiContract.AssertSameNames("POST /api/v1/agents/{agentId}/tasks body", Contract.RequestPropertyNames("post", TasksPath), SampleTask().Select(property => property.Key));

        foreach (var name in Contract.RequestPropertyNames("post", TasksPath))
        {
            var body = SampleTask();
            body[name] = new JsonArray();
            await AssertFieldRefusedAsync(client, body, name);
        }

        foreach (var name in Contract.RequiredRequestPropertyNames("post", TasksPath))
        {
            var body = SampleTask();
            body.Remove(name);
            await AssertFieldRefusedAsync(client, body, name);
        }

        var taskType = SampleTask();
        taskType["task_type"] = new string('t', (int)schema["properties"]!["task_type"]!["maxLength"]! + 1);
        await AssertFieldRefusedAsync(client, taskType, "task_type");

        var priority = schema["properties"]!["priority"]!;
        foreach (var value in priority["enum"]!.AsArray().Select(value => (string)value!))
        {
            var body = SampleTask();
            body["priority"] = value;
            await MatchesAsync("post", TasksPath, await PostAsync(client, "agent-1", body.ToJsonString()), HttpStatusCode.Created);
        }

        var withoutPriority = SampleTask();
        withoutPriority.Remove("priority");
        var created = await MatchesAsync("post", TasksPath, await PostAsync(client, "agent-1", withoutPriority.ToJsonString()), HttpStatusCode.Created);
        var task = await MatchesAsync("get", TaskPath, await client.GetAsync($"/api/v1/agents/agent-1/tasks/{created.GetProperty("task_id").GetGuid()}", cancellationToken), HttpStatusCode.OK);
        Assert.Equal((string)priority["default"]!, task.GetProperty("priority").GetString());
    }

    /// <summary>A valid body with every documented property.</summary>
    private static JsonObject SampleTask() => new()
    {
        ["task_type"] = "analyze",
        ["input_data"] = new JsonObject { ["text"] = "hello" },
        ["priority"] = "high",
    };

    private static async Task AssertFieldRefusedAsync(HttpClient client, JsonObject body, string field)
    {
        var error = await MatchesAsync("post", TasksPath, await PostAsync(client, "agent-1", body.ToJsonString()), HttpStatusCode.UnprocessableEntity);
        Assert.True(error.GetProperty("error").GetProperty("details").TryGetProperty(field, out _), $"{body.ToJsonString()} should be refused naming {field}");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string agentId, string json) => TaskApiTests.PostAsync(client, agentId, json);

    private static async Task<JsonElement> MatchesAsync(string method, string path, HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await Contract.AssertMatchesAsync(method, path, response, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}");
            return body ?? default;
        }
    }
}
