using System.Net;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Samples.AgentRuntime.Tests;

public sealed class TaskApiTests(AgentRuntimeFixture runtime) : IClassFixture<AgentRuntimeFixture>
{
    [Fact]
    public async Task Creating_a_task_answers_201_with_the_contracts_fields_and_the_worker_completes_it()
    {
        using var client = runtime.CreateClient();

        using var response = await PostAsync(client, "agent-1", """{"task_type":"analyze","input_data":{"text":"hi"},"priority":"high"}""");

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var created = JsonDocument.Parse(body).RootElement;
        var taskId = created.GetProperty("task_id").GetGuid();
        Assert.Equal("created", created.GetProperty("status").GetString());
        Assert.Equal("agent-1", created.GetProperty("agent_id").GetString());
        Assert.True(created.GetProperty("estimated_completion").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));

        var status = string.Empty;
        for (var attempt = 0; attempt < 100 && status != "completed"; attempt++)
        {
            using var task = await client.GetAsync($"/api/v1/agents/agent-1/tasks/{taskId}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, task.StatusCode);
            var view = await task.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            status = view.GetProperty("status").GetString()!;
            Assert.Equal("high", view.GetProperty("priority").GetString());
            Assert.Equal("hi", view.GetProperty("input_data").GetProperty("text").GetString());
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal("completed", status);
    }

    [Fact]
    public async Task Priority_defaults_to_normal()
    {
        using var client = runtime.CreateClient();
        using var response = await PostAsync(client, "agent-2", """{"task_type":"analyze","input_data":{}}""");
        var taskId = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("task_id").GetGuid();

        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/agents/agent-2/tasks/{taskId}", TestContext.Current.CancellationToken);

        Assert.Equal("normal", view.GetProperty("priority").GetString());
    }

    [Theory]
    [InlineData("agent-9")]
    [InlineData("no-such-agent")]
    public async Task Another_tenants_agent_and_an_unknown_agent_answer_the_same_404(string agentId)
    {
        using var client = runtime.CreateClient(tenant: "acme");
        using var response = await PostAsync(client, agentId, """{"task_type":"analyze","input_data":{}}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.NotFound, error.GetProperty("code").GetString());
        Assert.Equal("Agent not found.", error.GetProperty("message").GetString());
        Assert.Empty(error.GetProperty("details").EnumerateObject());
    }

    [Fact]
    public async Task Another_tenants_task_is_not_found()
    {
        using var acme = runtime.CreateClient(tenant: "acme");
        using var created = await PostAsync(acme, "agent-1", """{"task_type":"analyze","input_data":{}}""");
        var taskId = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("task_id").GetGuid();

        using var globex = runtime.CreateClient(tenant: "globex");
        using var response = await globex.GetAsync($"/api/v1/agents/agent-1/tasks/{taskId}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"input_data":{}}""", "task_type")]
    [InlineData("""{"task_type":"","input_data":{}}""", "task_type")]
    [InlineData("""{"task_type":42,"input_data":{}}""", "task_type")]
    [InlineData("""{"task_type":"analyze"}""", "input_data")]
    [InlineData("""{"task_type":"analyze","input_data":[1,2]}""", "input_data")]
    [InlineData("""{"task_type":"analyze","input_data":{},"priority":"urgent"}""", "priority")]
    public async Task Invalid_task_data_gets_422_naming_the_field(string body, string field)
    {
        using var client = runtime.CreateClient();
        using var response = await PostAsync(client, "agent-1", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.ValidationError, error.GetProperty("code").GetString());
        Assert.True(error.GetProperty("details").TryGetProperty(field, out _), error.ToString());
    }

    [Fact]
    public async Task Every_failing_field_is_reported_at_once()
    {
        using var client = runtime.CreateClient();
        using var response = await PostAsync(client, "agent-1", """{"priority":"urgent"}""");

        var details = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error").GetProperty("details");
        Assert.Equal(["input_data", "priority", "task_type"], details.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Malformed_json_gets_400()
    {
        using var client = runtime.CreateClient();
        using var response = await PostAsync(client, "agent-1", """{"task_type": """);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_request_that_did_not_come_through_the_edge_is_refused()
    {
        using var client = runtime.CreateClient(throughEdge: false);
        using var response = await PostAsync(client, "agent-1", """{"task_type":"analyze","input_data":{}}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_is_served_without_a_signature()
    {
        using var client = runtime.CreateClient(throughEdge: false);
        using var response = await client.GetAsync("/alive", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, string agentId, string json) =>
        client.PostAsync(
            $"/api/v1/agents/{agentId}/tasks",
            new StringContent(json, Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
}
