using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Contracts;

/// <summary>
/// The error response every AgentCore Gateway service produces: <c>{"error": {...}}</c> as the spec defines it.
/// </summary>
public sealed record ErrorEnvelope([property: JsonPropertyName("error")] ErrorBody Error);

/// <summary>The body of an <see cref="ErrorEnvelope"/>.</summary>
/// <param name="Code">A machine-readable code from <see cref="ErrorCodes"/>.</param>
/// <param name="Message">A human-readable description, safe to show to the caller.</param>
/// <param name="Details">Additional context; never a stack trace or a secret.</param>
/// <param name="RequestId">The request's correlation id (<c>X-Request-ID</c>).</param>
/// <param name="Timestamp">When the error was produced, in UTC.</param>
/// <param name="DocumentationUrl">Where to read more about the error, when there is such a page.</param>
public sealed record ErrorBody(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("details")] IReadOnlyDictionary<string, object?> Details,
    [property: JsonPropertyName("request_id")] string RequestId,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("documentation_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DocumentationUrl = null);
