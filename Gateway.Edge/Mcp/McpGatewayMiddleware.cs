using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.RateLimiting;
using AgentCore.Gateway.Messaging.Auditing;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>
/// The Edge as MCP gateway, on the routes of <c>Mcp:Servers</c>: the token must be meant for that server (RFC 8707
/// audience), or the answer is 401 with the server's RFC 9728 metadata address; the client's token then goes no further
/// (the Edge's signed caller headers go instead). Each JSON-RPC request is checked before it leaves the Edge
/// (<c>-32700</c>, <c>-32600</c>, <c>-32602</c>, batch, body and argument limits), each <c>tools/call</c> against the
/// tool's policy and rate limits, read from the body and nowhere else; <c>tools/list</c> answers show only what the
/// caller may call; every tool call is audited; the gateway's own error envelopes become JSON-RPC errors.
/// </summary>
internal sealed partial class McpGatewayMiddleware(
    RequestDelegate next,
    IOptions<McpGatewayOptions> options,
    McpResources resources,
    AccessTokenValidator tokens,
    McpRateLimits limits,
    TimeProvider time,
    ILogger<McpGatewayMiddleware> logger)
{
    private const string ToolsCall = "tools/call";
    private const string ToolsList = "tools/list";

    public async Task InvokeAsync(HttpContext context)
    {
        if (McpResources.ServerOf(context) is not { } serverName || !options.Value.Servers.TryGetValue(serverName, out var server))
        {
            await next(context);
            return;
        }

        if (await AuthenticateAsync(context, serverName, server) is not { } caller)
        {
            return;
        }

        // No token passthrough: the MCP server learns the caller from the Edge's signed headers, never from this token.
        context.User = new ClaimsPrincipal(caller);
        context.Request.Headers.Remove("Authorization");

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await next(context);
            return;
        }

        await HandlePostAsync(context, serverName, server, caller);
    }

    private async Task<GatewayIdentity?> AuthenticateAsync(HttpContext context, string serverName, McpServerOptions server)
    {
        var bearer = BearerCredentials.Read(context.Request, acceptQuery: false);
        string? failure = null;
        if (bearer.Count == 0)
        {
            failure = context.Request.Headers.ContainsKey(ApiKeys.Header) ? "An MCP server accepts bearer tokens only." : null;
        }
        else if (bearer.Count > 1 || context.Request.Headers.ContainsKey(ApiKeys.Header))
        {
            failure = "The request carries more than one credential.";
        }
        else
        {
            var validation = await tokens.ValidateAsync(bearer.Token!, resources.ResourceOf(serverName), context.RequestAborted);
            if (validation.Identity is { } identity)
            {
                return identity;
            }

            if (validation.RetryAfter is { } unavailableFor)
            {
                await AccessTokenResponses.UnavailableAsync(context, validation.Error!, unavailableFor);
                return null;
            }

            failure = validation.Error;
        }

        // RFC 9728 section 5.1: the challenge names the metadata that says which authorization server issues tokens for it.
        var challenge = new StringBuilder("Bearer resource_metadata=\"").Append(resources.MetadataAddressOf(serverName)).Append('"');
        if (server.Scopes.Count > 0)
        {
            challenge.Append(", scope=\"").Append(string.Join(' ', server.Scopes)).Append('"');
        }

        if (failure is not null)
        {
            challenge.Append(", error=\"invalid_token\", error_description=\"").Append(failure).Append('"');
            Audit(context, null, AuditEventTypes.AuthenticationFailed, AuditOutcomes.Failure,
                failure == AccessTokenValidator.WrongAudienceError ? "wrong_audience" : "invalid_token",
                new Dictionary<string, string> { ["server"] = serverName });
        }

        context.Response.Headers.WWWAuthenticate = challenge.ToString();
        await ErrorResponses.WriteAsync(
            context, StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationFailed, failure ?? "A bearer access token for this MCP server is required.");
        return null;
    }

    private async Task HandlePostAsync(HttpContext context, string serverName, McpServerOptions server, GatewayIdentity caller)
    {
        var settings = options.Value;
        if (!context.Request.HasJsonContentType())
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "An MCP request body is JSON (application/json).");
            return;
        }

        var body = await ReadBodyAsync(context.Request, settings.MaxBodyBytes);
        if (body is null)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "The request body is larger than allowed.",
                new Dictionary<string, object?> { ["max_bytes"] = settings.MaxBodyBytes });
            return;
        }

        context.Request.Body = new MemoryStream(body, writable: false);
        var messages = JsonRpc.Read(body, settings.MaxBatchSize, out var batch, out var invalid);
        if (messages is null)
        {
            await WriteJsonAsync(context, StatusCodes.Status400BadRequest, invalid!);
            return;
        }

        var started = time.GetTimestamp();
        var calls = new List<ToolCall>();
        var refusals = new Dictionary<JsonRpcMessage, (int Status, JsonObject Error)>();
        foreach (var message in messages.Where(message => message.IsRequest && message.Method == ToolsCall))
        {
            var (call, refusal) = await CheckToolCallAsync(context, message, server, caller);
            if (refusal is { } refused)
            {
                refusals[message] = refused;
                Audit(context, caller, AuditEventTypes.McpToolCall, AuditOutcomes.Denied, refused.Error["error"]!["data"]?["reason"]?.GetValue<string>() ?? "invalid_params",
                    ToolDetails(serverName, call, started));
            }
            else
            {
                calls.Add(call!);
            }
        }

        if (refusals.Count > 0)
        {
            await WriteRefusalsAsync(context, messages, batch, refusals);
            return;
        }

        if (!messages.Any(message => message.IsRequest))
        {
            // Notifications and responses only: the server answers 202 with no body, nothing to inspect.
            await next(context);
            return;
        }

        await ForwardAndInspectAsync(context, serverName, server, caller, messages, calls, started);
    }

    private async Task<(ToolCall? Call, (int Status, JsonObject Error)? Refusal)> CheckToolCallAsync(
        HttpContext context, JsonRpcMessage message, McpServerOptions server, GatewayIdentity caller)
    {
        var settings = options.Value;
        if (message.Params is not JsonObject parameters
            || !parameters.TryGetPropertyValue("name", out var nameNode) || nameNode?.GetValueKind() != JsonValueKind.String
            || nameNode.GetValue<string>() is not { Length: > 0 and <= 128 } tool)
        {
            return (null, (StatusCodes.Status200OK, Refusal(message.Id, JsonRpc.InvalidParams, "Invalid params: tools/call needs the tool's name.", "invalid_params")));
        }

        parameters.TryGetPropertyValue("arguments", out var arguments);
        var call = new ToolCall(message.Id, tool, arguments as JsonObject);
        if (arguments is not null && arguments is not JsonObject)
        {
            return (call, (StatusCodes.Status200OK, Refusal(message.Id, JsonRpc.InvalidParams, "Invalid params: arguments must be an object.", "invalid_params")));
        }

        if (arguments is JsonObject values && !WithinLimits(values, settings))
        {
            return (call, (StatusCodes.Status200OK, Refusal(message.Id, JsonRpc.InvalidParams,
                $"Invalid params: arguments exceed the limits ({settings.MaxArguments} members, depth {settings.MaxArgumentDepth}, {settings.MaxArgumentBytes} bytes).",
                "arguments_too_large")));
        }

        var decision = McpToolDecision.Decide(server, tool, caller);
        if (decision.Reason == McpToolDecision.UnknownTool)
        {
            return (call, (StatusCodes.Status200OK, Refusal(message.Id, JsonRpc.InvalidParams, "Invalid params: unknown tool.", McpToolDecision.UnknownTool)));
        }

        if (!decision.Allowed)
        {
            var data = new JsonObject { ["reason"] = decision.Reason };
            if (decision.MissingScopes.Count > 0)
            {
                data["required_scopes"] = new JsonArray([.. decision.MissingScopes.Select(scope => JsonValue.Create(scope))]);
            }

            return (call, (StatusCodes.Status200OK, JsonRpc.Error(message.Id, JsonRpc.Refused, "The caller is not allowed to call this tool.", data)));
        }

        foreach (var policy in new[] { server.ToolCallRateLimitPolicy, server.Tools[tool].RateLimitPolicy }.OfType<string>())
        {
            if (!await limits.TryAcquireAsync(policy, context, caller))
            {
                var decisionState = context.Features.Get<RateLimitDecision>();
                var retryAfter = decisionState?.RetryAfter ?? TimeSpan.FromSeconds(1);
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                if (decisionState is not null)
                {
                    RateLimitHeaders.Apply(context.Response, decisionState);
                }

                return (call, (StatusCodes.Status429TooManyRequests, JsonRpc.Error(message.Id, JsonRpc.RateLimited, "Too many calls of this tool: the rate limit is exhausted.",
                    new JsonObject { ["reason"] = "rate_limited", ["policy"] = policy, ["retry_after_seconds"] = (int)Math.Ceiling(retryAfter.TotalSeconds) })));
            }
        }

        return (call, null);
    }

    private static JsonObject Refusal(JsonNode? id, int code, string message, string reason) =>
        JsonRpc.Error(id, code, message, new JsonObject { ["reason"] = reason });

    private static bool WithinLimits(JsonObject arguments, McpGatewayOptions settings) =>
        arguments.Count <= settings.MaxArguments
        && Depth(arguments) <= settings.MaxArgumentDepth
        && Encoding.UTF8.GetByteCount(arguments.ToJsonString()) <= settings.MaxArgumentBytes;

    private static int Depth(JsonNode? node) => node switch
    {
        JsonObject obj => 1 + (obj.Count == 0 ? 0 : obj.Max(member => Depth(member.Value))),
        JsonArray array => 1 + (array.Count == 0 ? 0 : array.Max(Depth)),
        _ => 0,
    };

    private static Task WriteRefusalsAsync(
        HttpContext context, IReadOnlyList<JsonRpcMessage> messages, bool batch, Dictionary<JsonRpcMessage, (int Status, JsonObject Error)> refusals)
    {
        var status = refusals.Values.Max(refusal => refusal.Status);
        if (!batch)
        {
            return WriteJsonAsync(context, status, refusals.Values.Single().Error);
        }

        // A batch goes on whole or not at all: its other requests are answered, not silently dropped.
        var answers = new JsonArray();
        foreach (var message in messages.Where(message => message.IsRequest))
        {
            answers.Add(refusals.TryGetValue(message, out var refusal)
                ? refusal.Error
                : JsonRpc.Error(message.Id, JsonRpc.InvalidRequest, "Invalid Request: the batch was refused because one of its tool calls was."));
        }

        return WriteJsonAsync(context, status, answers);
    }

    private async Task ForwardAndInspectAsync(
        HttpContext context, string serverName, McpServerOptions server, GatewayIdentity caller,
        IReadOnlyList<JsonRpcMessage> messages, List<ToolCall> calls, long started)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        await using var captured = new CapturedResponseBody(options.Value.MaxResponseBytes);
        context.Features.Set<IHttpResponseBodyFeature>(captured);
        try
        {
            await next(context);
            await captured.CompleteAsync();
        }
        catch (IOException) when (captured.Overflowed)
        {
        }
        finally
        {
            context.Features.Set(original);
        }

        var answer = McpAnswer.Read(context.Response, captured.Content.Span, captured.Overflowed);
        var requests = messages.Where(message => message.IsRequest).ToList();
        if (answer.Envelope is { } envelope)
        {
            // The gateway's own refusal or a failed upstream (502/503/504, the breaker open): one JSON-RPC error per request.
            var data = new JsonObject { ["code"] = envelope.Code, ["status"] = context.Response.StatusCode, ["request_id"] = context.TraceIdentifier };
            var errors = requests.Select(request => (JsonNode)JsonRpc.Error(request.Id, JsonRpc.CodeFor(context.Response.StatusCode, envelope.Code), envelope.Message, (JsonObject)data.DeepClone())).ToList();
            answer = answer.Replaced(errors.Count == 1 && messages.Count == 1 ? errors[0] : new JsonArray([.. errors]));
        }

        foreach (var list in requests.Where(request => request.Method == ToolsList))
        {
            answer.FilterTools(list.Id, tool => McpToolDecision.Decide(server, tool, caller).Allowed);
        }

        foreach (var call in calls)
        {
            var (outcome, reason) = answer.Envelope is { } failed
                ? (AuditOutcomes.Failure, "upstream_" + failed.Code.ToLowerInvariant())
                : answer.OutcomeOf(call.Id);
            Audit(context, caller, AuditEventTypes.McpToolCall, outcome, reason, ToolDetails(serverName, call, started, decision: "allowed"));
            LogToolCall(logger, serverName, call.Tool, caller.Caller.Subject, caller.Caller.ClientId, caller.Caller.Actors, outcome);
        }

        await answer.WriteAsync(context.Response);
    }

    private Dictionary<string, string> ToolDetails(string serverName, ToolCall? call, long started, string decision = "denied")
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["server"] = serverName,
            ["tool"] = call?.Tool ?? string.Empty,
            ["decision"] = decision,
            ["duration_ms"] = time.GetElapsedTime(started).TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture),
        };
        if (call?.Arguments is { } arguments)
        {
            // Each argument by name, bounded; the audit service redacts them by its rules (credential names and values
            // erased, personal ones pseudonymised) before anything is stored.
            foreach (var (name, value) in arguments.Take(options.Value.MaxArguments))
            {
                var text = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value?.ToJsonString() ?? "null";
                details["argument." + name] = text.Length <= 256 ? text : text[..256];
            }
        }

        return details;
    }

    private static void Audit(HttpContext context, GatewayIdentity? caller, string type, string outcome, string reason, Dictionary<string, string> details)
    {
        if (caller is not null)
        {
            // The user and the acting agent: the client that holds the token, and the delegation chain it acts through.
            details["agent"] = caller.Caller.Actors.Length > 0 ? caller.Caller.Actors.Split(' ')[0] : caller.Caller.ClientId;
            if (caller.Caller.Actors.Length > 0)
            {
                details["act"] = caller.Caller.Actors;
            }
        }

        context.RequestServices.GetService<IAuditTrail>()?.Record(new AuditEvent(
            Guid.NewGuid(),
            context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
            type,
            new AuditActor(caller?.Caller.ClientId, caller?.Caller.Subject, caller is { Caller.TenantId.Length: > 0 } ? caller.Caller.TenantId : null),
            AuditAddresses.Truncate(context.Connection.RemoteIpAddress),
            context.TraceIdentifier,
            context.Request.Path.Value,
            outcome,
            reason,
            details));
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MCP {Server} tool {Tool} for {Subject} by {Client} (acting through: {Actors}): {Outcome}")]
    private static partial void LogToolCall(ILogger logger, string server, string tool, string subject, string client, string actors, string outcome);

    private sealed record ToolCall(JsonNode? Id, string Tool, JsonObject? Arguments);
}
