using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>The answer that lists API keys.</summary>
internal sealed record ApiKeyList([property: JsonPropertyName("api_keys")] IReadOnlyList<ApiKey> ApiKeys);
