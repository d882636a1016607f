using AgentCore.Gateway.Identity.Storage;
using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Identity.Users;

/// <summary>
/// Just-in-time provisioning: the first sign-in through a provider creates an account linked by (provider, subject);
/// later sign-ins find it and take the tenant and roles afresh, because the provider is the source of truth for them.
/// </summary>
internal sealed class ExternalAccountProvisioner(IdentityStoreDbContext db, TimeProvider time)
{
    private const int MaxUserNameLength = 100;

    public async Task<(ExternalSignInFailure Failure, UserAccount? User)> SignInAsync(ExternalIdentity identity, CancellationToken cancellationToken)
    {
        if (!await db.Tenants.AnyAsync(tenant => tenant.Id == identity.TenantId, cancellationToken))
        {
            return (ExternalSignInFailure.UnknownTenant, null);
        }

        try
        {
            return await LinkAsync(identity, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A parallel first sign-in of the same person created the link first; this one now finds it.
            db.ChangeTracker.Clear();
            return await LinkAsync(identity, cancellationToken);
        }
    }

    private async Task<(ExternalSignInFailure Failure, UserAccount? User)> LinkAsync(ExternalIdentity identity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var login = await db.ExternalLogins.SingleOrDefaultAsync(
            link => link.Provider == identity.Provider && link.Subject == identity.Subject, cancellationToken);
        UserAccount user;
        if (login is null)
        {
            user = new UserAccount
            {
                Id = Guid.NewGuid().ToString("D"),
                UserName = AccountName(identity),
                TenantId = identity.TenantId,
            };
            db.Users.Add(user);
            login = new ExternalLogin { Provider = identity.Provider, Subject = identity.Subject, UserId = user.Id, LinkedAt = now };
            db.ExternalLogins.Add(login);
        }
        else
        {
            user = await db.Users.SingleAsync(account => account.Id == login.UserId, cancellationToken);
            if (user.LockedOutUntil > now)
            {
                return (ExternalSignInFailure.LockedOut, user);
            }

            user.TenantId = identity.TenantId;
            user.Version = Guid.NewGuid();
        }

        user.Roles = [.. identity.Roles.Distinct(StringComparer.Ordinal)];
        login.LastSignInAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return (ExternalSignInFailure.None, user);
    }

    /// <summary>
    /// Account names share one unique index with local users, so an outside "alice" can never become the local one:
    /// the name is qualified by the provider and, past the length limit, by the subject's hash instead.
    /// </summary>
    private static string AccountName(ExternalIdentity identity)
    {
        var name = $"{identity.Provider}/{identity.Name}";
        if (name.Length <= MaxUserNameLength)
        {
            return name;
        }

        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity.Subject)))[..16];
        return $"{name[..(MaxUserNameLength - digest.Length - 1)]}~{digest}";
    }
}
