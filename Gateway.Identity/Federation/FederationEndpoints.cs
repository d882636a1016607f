using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Login;
using AgentCore.Gateway.Identity.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Client;
using OpenIddict.Client.AspNetCore;

namespace AgentCore.Gateway.Identity.Federation;

/// <summary>
/// The browser's way through an outside provider: a start URL that sends it there, and a callback per provider
/// where OpenIddict's client has already checked state, issuer, audience, nonce and the code exchange. Every failure
/// ends on the login page with a message that says what went wrong, never on an error status with a stack trace.
/// </summary>
internal static partial class FederationEndpoints
{
    private const string Prefix = "/connect/federation/";

    public static string StartPath(string provider, string? returnUrl) =>
        QueryHelpers.AddQueryString(Prefix + provider, "returnUrl", ReturnUrl.LocalOrRoot(returnUrl));

    public static string CallbackPath(string provider) => Prefix + provider + "/callback";

    public static IEndpointRouteBuilder MapFederationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Prefix + "{provider}", StartAsync);
        endpoints.MapMethods(Prefix + "{provider}/callback", [HttpMethods.Get, HttpMethods.Post], CallbackAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> StartAsync(
        HttpContext context,
        string provider,
        string? returnUrl,
        IOptions<FederationOptions> federation,
        ILoggerFactory loggers)
    {
        if (!federation.Value.OidcProviders.TryGetValue(provider, out var options))
        {
            return LoginPage.Render(context, returnUrl, $"There is no sign-in provider named '{provider}'.", StatusCodes.Status404NotFound);
        }

        var displayName = options.DisplayName ?? provider;
        try
        {
            // Discovery first, so that an unreachable provider or one whose metadata names another issuer gets a
            // clear page here instead of failing inside the challenge.
            var client = context.RequestServices.GetRequiredService<OpenIddictClientService>();
            await client.GetServerConfigurationByProviderNameAsync(provider, context.RequestAborted);
            var properties = new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictClientAspNetCoreConstants.Properties.ProviderName] = provider,
            })
            {
                RedirectUri = ReturnUrl.LocalOrRoot(returnUrl),
            };
            await context.ChallengeAsync(OpenIddictClientAspNetCoreDefaults.AuthenticationScheme, properties);
            return Results.Empty;
        }
        catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException or OpenIddictExceptions.ProtocolException)
        {
            LogProviderUnavailable(loggers.CreateLogger(typeof(FederationEndpoints)), provider, exception);
            return LoginPage.Render(
                context,
                returnUrl,
                $"{displayName} cannot be used right now: its metadata could not be retrieved or does not match its configured issuer.",
                StatusCodes.Status502BadGateway);
        }
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext context,
        string provider,
        IOptions<FederationOptions> federation,
        ExternalAccountProvisioner accounts,
        AuthAudit audit)
    {
        if (!federation.Value.OidcProviders.TryGetValue(provider, out var options))
        {
            return LoginPage.Render(context, returnUrl: null, $"There is no sign-in provider named '{provider}'.", StatusCodes.Status404NotFound);
        }

        var displayName = options.DisplayName ?? provider;
        var result = await context.AuthenticateAsync(OpenIddictClientAspNetCoreDefaults.AuthenticationScheme);
        var returnUrl = result.Properties?.RedirectUri;
        if (!result.Succeeded || result.Principal?.Identity?.IsAuthenticated != true)
        {
            var error = result.Properties?.GetString(OpenIddictClientAspNetCoreConstants.Properties.Error) ?? "invalid_request";
            var description = result.Properties?.GetString(OpenIddictClientAspNetCoreConstants.Properties.ErrorDescription);
            return Refuse(context, audit, provider, returnUrl, error, $"Sign-in with {displayName} failed ({error}){(description is null ? "." : ": " + description)}");
        }

        // One callback URL per provider, so a response can only be accepted for the provider it was sent to.
        if (!string.Equals(result.Principal.GetClaim(OpenIddictConstants.Claims.Private.ProviderName), provider, StringComparison.Ordinal))
        {
            return Refuse(context, audit, provider, returnUrl, "provider_mismatch", $"Sign-in with {displayName} failed: the answer came from another provider.");
        }

        var mapping = ProviderClaimMapping.Map(provider, options, result.Principal);
        if (mapping.Identity is null)
        {
            return Refuse(context, audit, provider, returnUrl, "unmapped_identity", $"Sign-in with {displayName} failed: {mapping.Refusal}");
        }

        var (failure, user) = await accounts.SignInAsync(mapping.Identity, context.RequestAborted);
        if (failure != ExternalSignInFailure.None)
        {
            var message = failure == ExternalSignInFailure.LockedOut
                ? "The account is locked. Try again later."
                : $"The tenant '{mapping.Identity.TenantId}' that {displayName} maps to does not exist here.";
            return Refuse(context, audit, provider, returnUrl, failure == ExternalSignInFailure.LockedOut ? "locked_out" : "unknown_tenant", message, user);
        }

        audit.Record(context, AuditEventTypes.LoginSucceeded, AuditOutcomes.Success, new AuditActor(null, user!.Id, user.TenantId),
            details: new Dictionary<string, string> { ["provider"] = mapping.Identity.Provider });
        return await LoginPage.SignInAsync(context, user, returnUrl);
    }

    private static IResult Refuse(HttpContext context, AuthAudit audit, string provider, string? returnUrl, string reason, string message, UserAccount? user = null)
    {
        audit.Record(context, AuditEventTypes.LoginFailed, AuditOutcomes.Failure, new AuditActor(null, user?.Id, user?.TenantId), reason,
            new Dictionary<string, string> { ["provider"] = ProviderClaimMapping.ProviderKindPrefix + provider });
        return LoginPage.Render(context, returnUrl, message, StatusCodes.Status400BadRequest);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The sign-in provider {Provider} is unavailable or misconfigured")]
    private static partial void LogProviderUnavailable(ILogger logger, string provider, Exception exception);
}
