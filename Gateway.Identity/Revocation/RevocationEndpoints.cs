using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Authorization;
using AgentCore.Gateway.Identity.Storage;
using AgentCore.Gateway.ServiceDefaults.Errors;
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
    public const string SubjectsPath = "/api/v1/auth/subjects";
    public const string UsersPath = "/api/v1/auth/users";
    public const string ClientsPath = "/api/v1/auth/clients";

    /// <summary>The client application property that marks a disabled client (JSON <c>true</c>).</summary>
    public const string DisabledProperty = "agentcore_disabled";

    public static IEndpointRouteBuilder MapRevocationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SubjectsPath + "/{subject}/sign-out", SignOutEverywhereAsync)
            .RequireAuthorization(TokenServerExtensions.GatewayAdminPolicy).DisableAntiforgery();
        endpoints.MapPost(UsersPath + "/{user_id}/disable", (string user_id, HttpContext context, IdentityStoreDbContext db, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, RevocationPublisher publisher, AuthAudit audit, TimeProvider time) =>
                SetUserDisabledAsync(user_id, disabled: true, context, db, authorizations, tokens, publisher, audit, time))
            .RequireAuthorization(TokenServerExtensions.GatewayAdminPolicy).DisableAntiforgery();
        endpoints.MapPost(UsersPath + "/{user_id}/enable", (string user_id, HttpContext context, IdentityStoreDbContext db, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, RevocationPublisher publisher, AuthAudit audit, TimeProvider time) =>
                SetUserDisabledAsync(user_id, disabled: false, context, db, authorizations, tokens, publisher, audit, time))
            .RequireAuthorization(TokenServerExtensions.GatewayAdminPolicy).DisableAntiforgery();
        endpoints.MapPost(ClientsPath + "/{client_id}/disable", (string client_id, HttpContext context, IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, RevocationPublisher publisher, AuthAudit audit) =>
                SetClientDisabledAsync(client_id, disabled: true, context, applications, authorizations, tokens, publisher, audit))
            .RequireAuthorization(TokenServerExtensions.GatewayAdminPolicy).DisableAntiforgery();
        endpoints.MapPost(ClientsPath + "/{client_id}/enable", (string client_id, HttpContext context, IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, RevocationPublisher publisher, AuthAudit audit) =>
                SetClientDisabledAsync(client_id, disabled: false, context, applications, authorizations, tokens, publisher, audit))
            .RequireAuthorization(TokenServerExtensions.GatewayAdminPolicy).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> SignOutEverywhereAsync(
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
        return Results.Ok(result);
    }

    private static async Task<IResult> SetUserDisabledAsync(
        string userId,
        bool disabled,
        HttpContext context,
        IdentityStoreDbContext db,
        IOpenIddictAuthorizationManager authorizations,
        IOpenIddictTokenManager tokens,
        RevocationPublisher publisher,
        AuthAudit audit,
        TimeProvider time)
    {
        if (await db.Users.SingleOrDefaultAsync(user => user.Id == userId, context.RequestAborted) is not { } user)
        {
            return ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No user has this id.");
        }

        user.DisabledAt = disabled ? user.DisabledAt ?? time.GetUtcNow() : null;
        user.Version = Guid.NewGuid();
        await db.SaveChangesAsync(context.RequestAborted);
        audit.Record(context, disabled ? AuditEventTypes.UserDisabled : AuditEventTypes.UserEnabled, AuditOutcomes.Success, AuthAudit.Caller(context),
            details: new Dictionary<string, string> { ["target_user_id"] = userId });
        return disabled
            ? Results.Ok(await RevokeSubjectAsync(userId, authorizations, tokens, publisher, context.RequestAborted))
            : Results.NoContent();
    }

    /// <summary>Revokes what the store holds for <paramref name="subject"/> and announces every access token issued to it so far.</summary>
    private static async Task<RevocationResult> RevokeSubjectAsync(
        string subject, IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, RevocationPublisher publisher, CancellationToken cancellationToken)
    {
        var authorizationCount = await authorizations.RevokeBySubjectAsync(subject, cancellationToken);
        var tokenCount = await tokens.RevokeBySubjectAsync(subject, cancellationToken);
        return Result(publisher.Revoke(TokenRevocationKinds.Subject, subject), authorizationCount, tokenCount);
    }

    private static async Task<IResult> SetClientDisabledAsync(
        string clientId,
        bool disabled,
        HttpContext context,
        IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations,
        IOpenIddictTokenManager tokens,
        RevocationPublisher publisher,
        AuthAudit audit)
    {
        var cancellationToken = context.RequestAborted;
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No client has this id.");
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
        if (!disabled)
        {
            return Results.NoContent();
        }

        var applicationId = await applications.GetIdAsync(application, cancellationToken);
        var authorizationCount = await authorizations.RevokeByApplicationIdAsync(applicationId!, cancellationToken);
        var tokenCount = await tokens.RevokeByApplicationIdAsync(applicationId!, cancellationToken);
        var revocation = publisher.Revoke(TokenRevocationKinds.Client, clientId);
        return Results.Ok(Result(revocation, authorizationCount, tokenCount));
    }

    /// <summary>True when the client application is marked disabled.</summary>
    public static async ValueTask<bool> IsDisabledAsync(IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken) =>
        (await applications.GetPropertiesAsync(application, cancellationToken)).TryGetValue(DisabledProperty, out var value)
        && value.ValueKind == JsonValueKind.True;

    private static RevocationResult Result(TokenRevocation revocation, long authorizations, long tokens) =>
        new(revocation.Kind, revocation.Value, DateTimeOffset.FromUnixTimeSeconds(revocation.RevokedAt), authorizations, tokens);
}
