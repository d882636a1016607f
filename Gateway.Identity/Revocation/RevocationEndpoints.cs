using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Authorization;
using AgentCore.Gateway.Identity.Storage;
using AgentCore.Gateway.ServiceDefaults.Errors;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace AgentCore.Gateway.Identity.Revocation;

/// <summary>
/// The revocation admin API (<c>gateway.admin</c>): sign a subject out everywhere, and disable or re-enable a user or
/// a client.
/// Each revokes in the store what OpenIddict tracks (authorizations, refresh tokens) and announces the revocation, so
/// that every access token already issued is refused by every validator within seconds.
/// </summary>
internal static class RevocationEndpoints
{
    private const string Tag = "revocation";
    private const string Revoked = "Requires a bearer token with scope gateway.admin. ";

    /// <summary>The client application property that marks a disabled client (JSON <c>true</c>).</summary>
    public const string DisabledProperty = "agentcore_disabled";

    public static IEndpointRouteBuilder MapRevocationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/v1/auth")
            .RequireAuthorization(TokenServerExtensions.GatewayAdminPolicy)
            .DisableAntiforgery()
            .ProducesError(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden)
            .AsPublicApi(Tag);
        admin.MapPost("/subjects/{subject}/sign-out", SignOutEverywhereAsync)
            .WithName("SignOutSubject")
            .WithSummary("Sign a subject out everywhere")
            .WithDescription(Revoked +
                "Revokes every authorization and refresh token of the subject (a user id, or a client id for client_credentials tokens), " +
                "ends its login sessions, and announces the revocation: every access token issued to it up to now is refused by the Edge, " +
                "Realtime and Audit within 5 seconds, and its open WebSocket, Server-Sent Events and SignalR connections are closed. " +
                "Tokens issued afterwards are not affected.")
            .ProducesError(StatusCodes.Status422UnprocessableEntity);
        admin.MapPost("/users/{user_id}/disable", DisableUserAsync)
            .WithName("DisableUser")
            .WithSummary("Disable a user")
            .WithDescription(Revoked +
                "The user can no longer sign in (locally, through a directory or an outside provider) or refresh; their authorizations, " +
                "refresh tokens and login sessions are revoked, and every access token issued to them so far is refused by the Edge, " +
                "Realtime and Audit within 5 seconds.")
            .ProducesError(StatusCodes.Status404NotFound);
        admin.MapPost("/users/{user_id}/enable", EnableUserAsync)
            .WithName("EnableUser")
            .WithSummary("Enable a disabled user again")
            .WithDescription(Revoked + "The user may sign in again; tokens revoked while they were disabled stay revoked.")
            .ProducesError(StatusCodes.Status404NotFound);
        admin.MapPost("/clients/{client_id}/disable", DisableClientAsync)
            .WithName("DisableClient")
            .WithSummary("Disable a client")
            .WithDescription(Revoked +
                "The client gets no more tokens (invalid_client) and no authorization codes; its authorizations and refresh tokens are " +
                "revoked, and every access token issued to it so far is refused by the Edge, Realtime and Audit within 5 seconds.")
            .ProducesError(StatusCodes.Status404NotFound);
        admin.MapPost("/clients/{client_id}/enable", EnableClientAsync)
            .WithName("EnableClient")
            .WithSummary("Enable a disabled client again")
            .WithDescription(Revoked + "The client may get tokens again; tokens revoked while it was disabled stay revoked.")
            .ProducesError(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<Results<Ok<RevocationResult>, ErrorResult>> SignOutEverywhereAsync(
        string subject,
        HttpContext context,
        IOpenIddictAuthorizationManager authorizations,
        IOpenIddictTokenManager tokens,
        RevocationPublisher publisher,
        AuthAudit audit)
    {
        if (subject.Length is 0 or > 200)
        {
            return ErrorResponses.Result(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError, "The subject must have 1 to 200 characters.");
        }

        var result = await RevokeSubjectAsync(subject, authorizations, tokens, publisher, context.RequestAborted);
        audit.Record(context, AuditEventTypes.SubjectSignedOut, AuditOutcomes.Success, AuthAudit.Caller(context),
            details: new Dictionary<string, string> { ["signed_out_subject"] = subject });
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<RevocationResult>, ErrorResult>> DisableUserAsync(
        [FromRoute(Name = "user_id")] string userId,
        HttpContext context,
        IdentityStoreDbContext db,
        IOpenIddictAuthorizationManager authorizations,
        IOpenIddictTokenManager tokens,
        RevocationPublisher publisher,
        AuthAudit audit,
        TimeProvider time)
    {
        if (!await SetUserDisabledAsync(userId, disabled: true, context, db, audit, time))
        {
            return UserNotFound();
        }

        return TypedResults.Ok(await RevokeSubjectAsync(userId, authorizations, tokens, publisher, context.RequestAborted));
    }

    private static async Task<Results<NoContent, ErrorResult>> EnableUserAsync(
        [FromRoute(Name = "user_id")] string userId, HttpContext context, IdentityStoreDbContext db, AuthAudit audit, TimeProvider time) =>
        await SetUserDisabledAsync(userId, disabled: false, context, db, audit, time) ? TypedResults.NoContent() : UserNotFound();

    /// <summary>Marks the user disabled or enabled; false when no user has the id.</summary>
    private static async Task<bool> SetUserDisabledAsync(
        string userId, bool disabled, HttpContext context, IdentityStoreDbContext db, AuthAudit audit, TimeProvider time)
    {
        if (await db.Users.SingleOrDefaultAsync(user => user.Id == userId, context.RequestAborted) is not { } user)
        {
            return false;
        }

        user.DisabledAt = disabled ? user.DisabledAt ?? time.GetUtcNow() : null;
        user.Version = Guid.NewGuid();
        await db.SaveChangesAsync(context.RequestAborted);
        audit.Record(context, disabled ? AuditEventTypes.UserDisabled : AuditEventTypes.UserEnabled, AuditOutcomes.Success, AuthAudit.Caller(context),
            details: new Dictionary<string, string> { ["target_user_id"] = userId });
        return true;
    }

    private static ErrorResult UserNotFound() =>
        ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No user has this id.");

    /// <summary>Revokes what the store holds for <paramref name="subject"/> and announces every access token issued to it so far.</summary>
    private static async Task<RevocationResult> RevokeSubjectAsync(
        string subject, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, RevocationPublisher publisher, CancellationToken cancellationToken)
    {
        var authorizationCount = await authorizations.RevokeBySubjectAsync(subject, cancellationToken);
        var tokenCount = await tokens.RevokeBySubjectAsync(subject, cancellationToken);
        return Result(publisher.Revoke(TokenRevocationKinds.Subject, subject), authorizationCount, tokenCount);
    }

    private static async Task<Results<Ok<RevocationResult>, ErrorResult>> DisableClientAsync(
        [FromRoute(Name = "client_id")] string clientId,
        HttpContext context,
        IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations,
        IOpenIddictTokenManager tokens,
        RevocationPublisher publisher,
        AuthAudit audit)
    {
        var cancellationToken = context.RequestAborted;
        if (await SetClientDisabledAsync(clientId, disabled: true, context, applications, audit) is not { } application)
        {
            return ClientNotFound();
        }

        var applicationId = await applications.GetIdAsync(application, cancellationToken);
        var authorizationCount = await authorizations.RevokeByApplicationIdAsync(applicationId!, cancellationToken);
        var tokenCount = await tokens.RevokeByApplicationIdAsync(applicationId!, cancellationToken);
        var revocation = publisher.Revoke(TokenRevocationKinds.Client, clientId);
        return TypedResults.Ok(Result(revocation, authorizationCount, tokenCount));
    }

    private static async Task<Results<NoContent, ErrorResult>> EnableClientAsync(
        [FromRoute(Name = "client_id")] string clientId, HttpContext context, IOpenIddictApplicationManager applications, AuthAudit audit) =>
        await SetClientDisabledAsync(clientId, disabled: false, context, applications, audit) is null ? ClientNotFound() : TypedResults.NoContent();

    /// <summary>Marks the client disabled or enabled; its application, or null when no client has the id.</summary>
    private static async Task<object?> SetClientDisabledAsync(
        string clientId, bool disabled, HttpContext context, IOpenIddictApplicationManager applications, AuthAudit audit)
    {
        var cancellationToken = context.RequestAborted;
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return null;
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        if (disabled)
        {
            descriptor.Properties[DisabledProperty] = JsonSerializer.SerializeToElement(true);
        }
        else
        {
            descriptor.Properties.Remove(DisabledProperty);
        }

        await applications.UpdateAsync(application, descriptor, cancellationToken);
        audit.Record(context, disabled ? AuditEventTypes.ClientDisabled : AuditEventTypes.ClientEnabled, AuditOutcomes.Success, AuthAudit.Caller(context),
            details: new Dictionary<string, string> { ["target_client_id"] = clientId });
        return application;
    }

    private static ErrorResult ClientNotFound() =>
        ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No client has this id.");

    /// <summary>True when the client application is marked disabled.</summary>
    public static async ValueTask<bool> IsDisabledAsync(IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken) =>
        (await applications.GetPropertiesAsync(application, cancellationToken)).TryGetValue(DisabledProperty, out var value)
        && value.ValueKind == JsonValueKind.True;

    private static RevocationResult Result(TokenRevocation revocation, long authorizations, long tokens) =>
        new(revocation.Kind, revocation.Value, DateTimeOffset.FromUnixTimeSeconds(revocation.RevokedAt), authorizations, tokens);
}
