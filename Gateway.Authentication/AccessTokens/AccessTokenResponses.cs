using System.Globalization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>The refusals of every service that accepts the gateway's access tokens, so that all of them answer alike.</summary>
public static class AccessTokenResponses
{
    /// <summary>
    /// 401 <c>AUTHENTICATION_FAILED</c> with <c>WWW-Authenticate</c> (RFC 6750): <paramref name="failure"/> says why the
    /// credential was refused (one of the validator's own sentences, never input), or null when there was none.
    /// </summary>
    public static Task ChallengeAsync(HttpContext context, string? failure, string missingMessage)
    {
        var error = failure is null ? string.Empty : $", error=\"invalid_token\", error_description=\"{failure}\"";
        context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{GatewayTokens.Audience}\"{error}";
        return ErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationFailed, failure ?? missingMessage);
    }

    /// <summary>
    /// 503 <c>SERVICE_UNAVAILABLE</c> with <c>Retry-After</c>: the credential could not be checked (Identity's keys are
    /// unavailable), so it is neither accepted nor refused.
    /// </summary>
    public static Task UnavailableAsync(HttpContext context, string message, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, message);
    }

    /// <summary>403 <c>AUTHORIZATION_DENIED</c>, naming the scopes the caller lacked when they are known.</summary>
    public static Task ForbidAsync(HttpContext context, string? requiredScopes = null) =>
        ErrorResponses.WriteAsync(
            context,
            StatusCodes.Status403Forbidden,
            ErrorCodes.AuthorizationDenied,
            "The caller's credentials do not grant access to this resource.",
            requiredScopes is null ? null : new Dictionary<string, object?> { ["required_scopes"] = requiredScopes.Split(' ') });
}
