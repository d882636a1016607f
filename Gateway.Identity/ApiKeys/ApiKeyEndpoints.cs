using System.ComponentModel;
using System.Security.Cryptography;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Authorization;
using AgentCore.Gateway.Identity.Storage;
using AgentCore.Gateway.ServiceDefaults.Errors;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>The API-key admin API (<c>gateway.admin</c> scope): create, list and revoke keys for the Edge.</summary>
internal static class ApiKeyEndpoints
{
    public const string Path = "/api/v1/auth/api-keys";
    public const int MaxNameLength = 200;

    private const int MaxTenantIdLength = 64;
    private const string Tag = "api keys";
    private const string AdminOnly = "Requires a bearer token with scope gateway.admin. ";

    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Path)
            .RequireAuthorization(TokenServerExtensions.GatewayAdminPolicy)
            .DisableAntiforgery()
            .ProducesError(StatusCodes.Status401Unauthorized, "No valid bearer token from this gateway (AUTHENTICATION_FAILED).")
            .ProducesError(StatusCodes.Status403Forbidden, "The token lacks scope gateway.admin (AUTHORIZATION_DENIED).")
            .AsPublicApi(Tag);
        group.MapPost(string.Empty, CreateAsync)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key")
            .WithDescription(AdminOnly + "The key is shown once, in key; only its hash is stored. Location names the new key; the answer is never cached.")
            .ProducesError(StatusCodes.Status400BadRequest, "The body is not valid JSON for this request, or X-Request-ID is not a UUID (INVALID_REQUEST).")
            .ProducesError(StatusCodes.Status415UnsupportedMediaType, "The body is not JSON (UNSUPPORTED_MEDIA_TYPE).")
            .ProducesError(StatusCodes.Status422UnprocessableEntity,
                "Invalid key data (VALIDATION_ERROR); details maps each failing field (name, tenant_id, scopes, expires_in_days) to the rule.");
        group.MapGet(string.Empty, ListAsync)
            .WithName("ListApiKeys")
            .WithSummary("List API keys")
            .WithDescription(AdminOnly + "Every key, oldest first, revoked ones included; never the keys themselves.");
        group.MapDelete("{id}", RevokeAsync)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key")
            .WithDescription(AdminOnly + "Idempotent: revoking a revoked key answers 204 again. Takes effect at the Edge within seconds.")
            .ProducesError(StatusCodes.Status404NotFound, "No key has this id (NOT_FOUND).");
        return endpoints;
    }

    private static async Task<Results<Created<ApiKeyCreated>, ErrorResult>> CreateAsync(
        CreateApiKeyRequest request,
        HttpContext context,
        IdentityStoreDbContext db,
        ApiKeyPublisher publisher,
        AuthAudit audit,
        IOptions<ApiKeyOptions> options,
        TimeProvider time)
    {
        var errors = new Dictionary<string, object?>();
        if (string.IsNullOrWhiteSpace(request.Name) || InputText.FindNameProblem(request.Name, MaxNameLength) is not null)
        {
            errors["name"] = $"Required, at most {MaxNameLength} characters, no control characters.";
        }

        if (string.IsNullOrWhiteSpace(request.TenantId) || InputText.FindNameProblem(request.TenantId, MaxTenantIdLength) is not null
            || !await db.Tenants.AnyAsync(tenant => tenant.Id == request.TenantId, context.RequestAborted))
        {
            errors["tenant_id"] = "Required, and must name an existing tenant.";
        }

        if (request.Scopes is not { Count: > 0 } || !request.Scopes.All(Contracts.ApiKeys.GrantableScopes.Contains))
        {
            errors["scopes"] = "Required; each one of: " + string.Join(", ", Contracts.ApiKeys.GrantableScopes.Order(StringComparer.Ordinal)) + ".";
        }

        var days = request.ExpiresInDays ?? options.Value.DefaultLifetimeDays;
        if (days < 1 || days > options.Value.MaxLifetimeDays)
        {
            errors["expires_in_days"] = $"Between 1 and {options.Value.MaxLifetimeDays}.";
        }

        if (errors.Count > 0)
        {
            return ErrorResponses.Result(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError, "The API key request is invalid.", errors);
        }

        var secret = Contracts.ApiKeys.Prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var key = new StoredApiKey
        {
            Id = Guid.NewGuid().ToString("D"),
            Name = request.Name!,
            TenantId = request.TenantId!,
            Scopes = [.. request.Scopes!.Distinct(StringComparer.Ordinal)],
            Hash = Contracts.ApiKeys.Hash(secret),
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
            CreatedBy = context.User.GetClaim(Claims.ClientId),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(context.RequestAborted);
        await publisher.PublishAsync(key);

        audit.Record(context, AuditEventTypes.ApiKeyCreated, AuditOutcomes.Success, AdminActor(context),
            details: new Dictionary<string, string> { ["key_id"] = key.Id, ["key_tenant_id"] = key.TenantId, ["scopes"] = string.Join(' ', key.Scopes) });
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"{Path}/{key.Id}", ApiKeyCreated.Of(key, secret));
    }

    private static async Task<Ok<ApiKeyList>> ListAsync(IdentityStoreDbContext db, HttpContext context)
    {
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(key => key.CreatedAt).ToListAsync(context.RequestAborted);
        return TypedResults.Ok(new ApiKeyList([.. keys.Select(ApiKey.Of)]));
    }

    private static async Task<Results<NoContent, ErrorResult>> RevokeAsync(
        [Description("The key's id.")] string id, HttpContext context, IdentityStoreDbContext db, ApiKeyPublisher publisher, AuthAudit audit, TimeProvider time)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(candidate => candidate.Id == id, context.RequestAborted);
        if (key is null)
        {
            return ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No API key has this id.");
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(context.RequestAborted);
            audit.Record(context, AuditEventTypes.ApiKeyRevoked, AuditOutcomes.Success, AdminActor(context),
                details: new Dictionary<string, string> { ["key_id"] = key.Id, ["key_tenant_id"] = key.TenantId });
        }

        // Also on a repeated call: a Redis that missed the first one still learns of the revocation.
        await publisher.RevokeAsync(key);
        return TypedResults.NoContent();
    }

    private static AuditActor AdminActor(HttpContext context) => AuthAudit.Caller(context);
}
