using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using ModelContextProtocol;

namespace AgentCore.Samples.AgentTools.Runtime;

/// <summary>
/// The agent runtime's tasks API, called on behalf of the caller the Edge vouched for: every request is signed with that
/// caller (tenant, subject, scopes and delegation chain), so the runtime applies its own tenant rules to the real caller.
/// </summary>
internal sealed class AgentRuntimeClient(HttpClient http)
{
    public const string HttpClientName = "agentruntime";

    public Task<JsonNode> ListAgentsAsync(CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents"), cancellationToken);

    public Task<JsonNode> CreateTaskAsync(string agentId, string taskType, JsonElement? inputData, string? priority, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["task_type"] = taskType,
            ["input_data"] = inputData is { ValueKind: JsonValueKind.Object } input ? JsonNode.Parse(input.GetRawText()) : new JsonObject(),
        };
        if (priority is not null)
        {
            body["priority"] = priority;
        }

        return SendAsync(
            new HttpRequestMessage(HttpMethod.Post, $"/api/v1/agents/{Uri.EscapeDataString(agentId)}/tasks") { Content = JsonContent.Create(body) },
            cancellationToken);
    }

    public Task<JsonNode> GetTaskAsync(string agentId, string taskId, CancellationToken cancellationToken) =>
        SendAsync(
            new HttpRequestMessage(HttpMethod.Get, $"/api/v1/agents/{Uri.EscapeDataString(agentId)}/tasks/{Uri.EscapeDataString(taskId)}"),
            cancellationToken);

    public Task<JsonNode> CancelAllTasksAsync(string agentId, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/agents/{Uri.EscapeDataString(agentId)}/tasks/cancel"), cancellationToken);

    /// <summary>
    /// The runtime's answer, or a tool error carrying the runtime's own message (never its body as a whole, which the
    /// model would read as instructions).
    /// </summary>
    private async Task<JsonNode> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken);
            JsonNode? body = null;
            try
            {
                body = await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
            }
            catch (JsonException)
            {
            }

            if (response.IsSuccessStatusCode && body is not null)
            {
                return body;
            }

            var message = body?["error"]?["message"]?.GetValue<string>() ?? $"The agent runtime answered {(int)response.StatusCode}.";
            var code = body?["error"]?["code"]?.GetValue<string>() ?? ErrorCodes.BadGateway;
            throw new McpException($"{code}: {message}");
        }
    }
}
