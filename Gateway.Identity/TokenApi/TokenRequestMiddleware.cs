using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Authorization;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.TokenApi;

/// <summary>
/// Fronts both token endpoints. It bounds and buffers the body (so the rate limiter can partition by client id), and
/// for the spec's <c>POST /api/v1/auth/token</c> it accepts JSON as well as form bodies and turns OpenIddict's OAuth
/// errors into the spec's error envelope. OpenIddict still handles every request; this only adapts its edges.
/// </summary>
internal sealed class TokenRequestMiddleware(RequestDelegate next, IOptions<TokenEndpointOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var isApi = path.Equals(OidcEndpoints.ApiTokenPath, StringComparison.OrdinalIgnoreCase);
        if (!HttpMethods.IsPost(context.Request.Method) || !(isApi || path.Equals(OidcEndpoints.TokenPath, StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }

        var body = await ReadBoundedAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The token request body must not exceed {options.Value.MaxBodyBytes} bytes.");
            return;
        }

        if (isApi && IsJson(context.Request.ContentType))
        {
            var form = TokenRequestBody.JsonToForm(body);
            if (form is null)
            {
                await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                    "The JSON body must be an object of string parameters.",
                    new Dictionary<string, object?> { ["error"] = Errors.InvalidRequest });
                return;
            }

            body = Encoding.UTF8.GetBytes(form);
            context.Request.ContentType = "application/x-www-form-urlencoded";
        }

        var formText = Encoding.UTF8.GetString(body);
        if (formText.Contains("%00", StringComparison.Ordinal))
        {
            // ASP.NET Core's form reader throws on an encoded NUL; no parameter legitimately carries one.
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                "The token request must not contain NUL characters.",
                new Dictionary<string, object?> { ["error"] = Errors.InvalidRequest });
            return;
        }

        new TokenRequestBody(TokenRequestBody.FindClientId(context.Request, formText)).AttachTo(context);
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Request.ContentLength = body.Length;

        if (!isApi)
        {
            await next(context);
            return;
        }

        await RespondWithEnvelopeAsync(context);
    }

    private async Task RespondWithEnvelopeAsync(HttpContext context)
    {
        var original = context.Response.Body;
        await using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var node = TryParse(captured);
        if (node?["error"] is JsonValue error && error.TryGetValue<string>(out var oauthError))
        {
            var (status, code, message) = Map(oauthError);
            context.Response.Headers.ContentLength = null;
            await ErrorResponses.WriteAsync(context, status, code, message, new Dictionary<string, object?>
            {
                ["error"] = oauthError,
                ["error_description"] = node["error_description"]?.GetValue<string>(),
            });
            return;
        }

        if (context.Response.StatusCode == StatusCodes.Status200OK && node is JsonObject success &&
            success["scope"] is null && success["access_token"]?.GetValue<string>() is { } accessToken)
        {
            // The spec's contract always has scope; OpenIddict omits it when it equals what was asked for.
            var token = new JsonWebToken(accessToken);
            success["scope"] = token.TryGetPayloadValue<string>(Claims.Scope, out var scope) ? scope : string.Empty;
            var bytes = JsonSerializer.SerializeToUtf8Bytes(success);
            context.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        captured.Position = 0;
        await captured.CopyToAsync(original, context.RequestAborted);
    }

    private static (int Status, string Code, string Message) Map(string oauthError) => oauthError switch
    {
        Errors.InvalidClient or Errors.InvalidGrant or Errors.UnauthorizedClient =>
            (StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationFailed, "Authentication failed."),
        Errors.TemporarilyUnavailable =>
            (StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "Authentication is temporarily unavailable."),
        _ => (StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The token request is invalid."),
    };

    private static JsonNode? TryParse(MemoryStream captured)
    {
        if (captured.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(captured.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ||
                                    contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole body, or null when it is larger than <paramref name="limit"/> (declared or actual).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
