using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>
/// A request's bearer authentication with <see cref="AccessTokenValidator"/>, and its refusal: what
/// <see cref="AccessTokenAuthenticationHandler"/> does, for code that authenticates before the pipeline does.
/// </summary>
/// <param name="Identity">The caller, when the request carries exactly one credential and it is good.</param>
/// <param name="Failure">Why the credential was refused (one of the validator's own sentences, never input); null when there was none.</param>
/// <param name="RetryAfter">When the credential could not be checked at all (Identity's keys are unavailable): when to retry.</param>
public readonly record struct BearerAuthentication(GatewayIdentity? Identity, string? Failure, TimeSpan? RetryAfter)
{
    /// <summary>The refusal's message when the request carries no credential.</summary>
    public const string MissingMessage = "A valid bearer access token is required.";

    /// <summary>True when the request carries a credential, good or not.</summary>
    public bool HasCredential => Identity is not null || Failure is not null;

    /// <summary>Authenticates <paramref name="request"/>; <paramref name="acceptQuery"/> lets the token come as <c>access_token</c>.</summary>
    public static async Task<BearerAuthentication> AuthenticateAsync(
        AccessTokenValidator tokens, HttpRequest request, bool acceptQuery, CancellationToken cancellationToken)
    {
        var credentials = BearerCredentials.Read(request, acceptQuery);
        if (credentials.Count == 0)
        {
            return default;
        }

        if (credentials.Count > 1)
        {
            return new BearerAuthentication(null, "The request carries more than one credential.", null);
        }

        var validation = await tokens.ValidateAsync(credentials.Token!, cancellationToken).ConfigureAwait(false);
        return validation.Identity is { } identity
            ? new BearerAuthentication(identity, null, null)
            : new BearerAuthentication(null, validation.Error!, validation.RetryAfter);
    }

    /// <summary>
    /// The refusal of a request without a good credential: 401 <c>AUTHENTICATION_FAILED</c> with <c>WWW-Authenticate</c>,
    /// or 503 <c>SERVICE_UNAVAILABLE</c> when the credential could not be checked.
    /// </summary>
    public Task RefuseAsync(HttpContext context) => RetryAfter is { } retryAfter
        ? AccessTokenResponses.UnavailableAsync(context, Failure!, retryAfter)
        : AccessTokenResponses.ChallengeAsync(context, Failure, MissingMessage);
}
