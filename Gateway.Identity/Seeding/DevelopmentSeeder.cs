using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.Identity.Authorization;
using AgentCore.Gateway.Identity.ClientRegistration;
using AgentCore.Gateway.Identity.Storage;
using AgentCore.Gateway.Identity.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Seeding;

/// <summary>
/// Creates the development tenants, users and clients that are missing; existing ones are left as they are. Runs after the
/// migrations, in the Development environment only (<see cref="MigrationExtensions.AddMigration{TContext, TSeeder}"/>).
/// </summary>
internal sealed class DevelopmentSeeder(
    IPasswordHasher<UserAccount> hasher, IOpenIddictApplicationManager applications, IOptions<DevelopmentSeedOptions> options)
    : IDbSeeder<IdentityStoreDbContext>
{
    public const string ServiceClientId = "agentcore-service";
    public const string CliClientId = "agentcore-cli";
    public const string AdminClientId = "agentcore-admin";
    public const string McpClientId = "agentcore-mcp";

    /// <summary>Agents that act for users through token exchange: an orchestrator, its sub-agent, and that one's sub-agent.</summary>
    public static readonly string[] AgentClientIds = ["agent-orchestrator", "agent-researcher", "agent-summarizer"];

    public async Task SeedAsync(IdentityStoreDbContext db, CancellationToken cancellationToken)
    {
        var seed = options.Value;

        await AddTenantAsync(db, "acme", "Acme Corporation", cancellationToken);
        await AddTenantAsync(db, "globex", "Globex Corporation", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await AddUserAsync(db, hasher, "alice", "acme", seed.AlicePassword, ["agent-operator"], cancellationToken);
        await AddUserAsync(db, hasher, "bob", "globex", seed.BobPassword, [], cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        var service = Confidential(ServiceClientId, "AgentCore service", seed.ServiceClientSecret,
            GatewayScopes.AgentsRead, GatewayScopes.AgentsWrite, GatewayScopes.EventsRead);
        service.Properties[GatewayIdentities.TenantProperty] = JsonSerializer.SerializeToElement("acme");
        await AddClientAsync(applications, service, cancellationToken);
        await AddClientAsync(applications, Confidential(AdminClientId, "AgentCore administration", seed.AdminClientSecret,
            GatewayScopes.AuditRead, GatewayScopes.GatewayAdmin), cancellationToken);
        await AddClientAsync(applications, Cli(), cancellationToken);
        await AddClientAsync(applications, McpClient(), cancellationToken);
        if (seed.AgentClientSecret.Length > 0)
        {
            foreach (var agent in AgentClientIds)
            {
                var descriptor = Confidential(agent, agent, seed.AgentClientSecret, GatewayScopes.AgentsRead, GatewayScopes.AgentsWrite);
                descriptor.Permissions.Add(Permissions.GrantTypes.TokenExchange);
                descriptor.Properties[GatewayIdentities.TenantProperty] = JsonSerializer.SerializeToElement("acme");
                await AddClientAsync(applications, descriptor, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A pre-registered MCP client (a desktop assistant, an IDE): public, PKCE, loopback redirects on any port per the MCP
    /// authorization spec, and explicit consent, so the user sees what it asks for the first time: the same client a
    /// registration from outside makes (<see cref="PublicClients"/>).
    /// </summary>
    private static OpenIddictApplicationDescriptor McpClient() => PublicClients.Describe(
        McpClientId, "MCP client", [new Uri("http://localhost/callback"), new Uri("http://127.0.0.1/callback")], PublicClients.DefaultScopes);

    private static OpenIddictApplicationDescriptor Confidential(string clientId, string name, string secret, params string[] scopes)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = name,
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Introspection,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.ClientCredentials,
            },
        };
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }

    private static OpenIddictApplicationDescriptor Cli()
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = CliClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "AgentCore CLI",
            RedirectUris = { new Uri("http://127.0.0.1/callback") },
            PostLogoutRedirectUris = { new Uri("http://127.0.0.1/logged-out") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.GrantTypes.Password,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Prefixes.Scope + GatewayScopes.AgentsRead,
                Permissions.Prefixes.Scope + GatewayScopes.AgentsWrite,
                Permissions.Prefixes.Scope + GatewayScopes.EventsRead,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        return descriptor;
    }

    private static async Task AddClientAsync(IOpenIddictApplicationManager applications, OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken) is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }

    private static async Task AddTenantAsync(IdentityStoreDbContext db, string id, string name, CancellationToken cancellationToken)
    {
        if (!await db.Tenants.AnyAsync(tenant => tenant.Id == id, cancellationToken))
        {
            db.Tenants.Add(new Tenant { Id = id, DisplayName = name });
        }
    }

    private static async Task AddUserAsync(
        IdentityStoreDbContext db, IPasswordHasher<UserAccount> hasher, string userName, string tenantId, string password, List<string> roles, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(user => user.UserName == userName, cancellationToken))
        {
            return;
        }

        var user = new UserAccount { Id = Guid.NewGuid().ToString("D"), UserName = userName, TenantId = tenantId, Roles = roles };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
    }
}
