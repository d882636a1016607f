using System.Security.Cryptography;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Authorization;
using AgentCore.Gateway.Identity.Storage;
using AgentCore.Gateway.ServiceDefaults.Errors;
using AgentCore.Gateway.ServiceDefaults.Input;
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

    private const int MaxNameLength = 200;
    private const int MaxTenantIdLength = 64;

    /// <summary>
    /// The scopes an API key may carry: those of the agents API, whose backend trusts the caller the Edge vouches for.
    /// Realtime and Audit accept only bearer tokens, so a key with their scopes would pass the Edge and then fail.
    /// </summary>
    private static readonly HashSet<string> GrantableScopes = new(StringComparer.Ordinal)
    {
        GatewayScopes.AgentsRead, GatewayScopes.AgentsWrite,
    };

    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Path).RequireAuthorization(TokenServerExtensions.GatewayAdminPolicy).DisableAntiforgery();
        group.MapPost(string.Empty, CreateAsync);
        group.MapGet(string.Empty, ListAsync);
        group.MapDelete("{id}", RevokeAsync);
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(
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

        if (request.Scopes is not { Count: > 0 } || !request.Scopes.All(GrantableScopes.Contains))
        {
            errors["scopes"] = "Required; each one of: " + string.Join(", ", GrantableScopes.Order(StringComparer.Ordinal)) + ".";
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
        return Results.Created($"{Path}/{key.Id}", ApiKeyView.Of(key, secret));
    }

    private static async Task<IResult> ListAsync(IdentityStoreDbContext db, HttpContext context)
    {
        var keys = await db.ApiKeys.AsNoTracking().OrderBy(key => key.CreatedAt).ToListAsync(context.RequestAborted);
        return Results.Ok(new Dictionary<string, object> { ["api_keys"] = keys.Select(key => ApiKeyView.Of(key)).ToList() });
    }

    private static async Task<IResult> RevokeAsync(
        string id, HttpContext context, IdentityStoreDbContext db, ApiKeyPublisher publisher, AuthAudit audit, TimeProvider time)
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
        return Results.NoContent();
    }

    private static AuditActor AdminActor(HttpContext context) => AuthAudit.Caller(context);
}
