using System.Net;
using System.Text;
using System.Text.Json;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>Tasks of the sample AgentRuntime, created through the Edge.</summary>
internal static class AgentTasks
{
    public const string Json = """{"task_type":"analyze","input_data":{"text":"hello"}}""";

    /// <summary>The Edge's answer to creating a task, whatever it is.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient edge, string agentId, Action<HttpRequestMessage> authorize)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/agents/{agentId}/tasks")
        {
            Content = new StringContent(Json, Encoding.UTF8, "application/json"),
        };
        authorize(request);
        return await edge.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Creates a task and returns its id; anything but 201 fails the test.</summary>
    public static async Task<string> CreateAsync(HttpClient edge, string agentId, Action<HttpRequestMessage> authorize)
    {
        using var response = await PostAsync(edge, agentId, authorize);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("task_id").GetString()!;
    }
}
