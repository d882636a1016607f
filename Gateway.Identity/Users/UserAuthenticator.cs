using AgentCore.Gateway.Identity.Directories;
using AgentCore.Gateway.Identity.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.Users;

/// <summary>The outcome of checking a user name and password.</summary>
internal enum LoginResult
{
    Succeeded,
    InvalidCredentials,
    LockedOut,

    /// <summary>
    /// The user's directory cannot decide now (no answer in time, or misconfigured): nothing is known about the password.
    /// </summary>
    DirectoryUnavailable,
}

/// <summary>
/// Checks passwords and applies lockout, for the password grant and the login page alike. An unknown user name and a
/// wrong password give the same answer, so that the caller learns nothing about which accounts exist. User names that end
/// in a configured directory's domain are checked by that directory instead.
/// </summary>
internal sealed class UserAuthenticator(
    DirectorySignIn directories,
    IdentityStoreDbContext db,
    IPasswordHasher<UserAccount> hasher,
    IOptions<LockoutOptions> lockout,
    TimeProvider time)
{
    public async Task<(LoginResult Result, UserAccount? User)> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken)
    {
        if (directories.Find(userName) is { } route)
        {
            var (result, account) = await directories.AuthenticateAsync(route, password, cancellationToken);
            return account?.DisabledAt is null ? (result, account) : (LoginResult.InvalidCredentials, null);
        }

        var user = await db.Users.SingleOrDefaultAsync(account => account.UserName == userName, cancellationToken);
        if (user?.PasswordHash is null || user.DisabledAt is not null)
        {
            return (LoginResult.InvalidCredentials, null);
        }

        var now = time.GetUtcNow();
        if (IsLockedOut(user, now))
        {
            return (LoginResult.LockedOut, user);
        }

        var verification = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verification == PasswordVerificationResult.Failed)
        {
            user.FailedLoginCount++;
            if (user.FailedLoginCount >= lockout.Value.MaxFailedAttempts)
            {
                user.LockedOutUntil = now + lockout.Value.LockoutDuration;
                user.FailedLoginCount = 0;
            }

            await SaveAsync(user, cancellationToken);
            return (user.LockedOutUntil > now ? LoginResult.LockedOut : LoginResult.InvalidCredentials, user);
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        user.FailedLoginCount = 0;
        user.LockedOutUntil = null;
        await SaveAsync(user, cancellationToken);
        return (LoginResult.Succeeded, user);
    }

    /// <summary>The user behind a token's subject, when the account still exists and is neither disabled nor locked out.</summary>
    public async Task<UserAccount?> FindActiveAsync(string? userId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(userId))
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(account => account.Id == userId, cancellationToken);
        return user is null || user.DisabledAt is not null || IsLockedOut(user, time.GetUtcNow()) ? null : user;
    }

    private static bool IsLockedOut(UserAccount user, DateTimeOffset now) => user.LockedOutUntil > now;

    private async Task SaveAsync(UserAccount user, CancellationToken cancellationToken)
    {
        user.Version = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A parallel login changed the row first; its count stands and this attempt's answer is unchanged.
            db.ChangeTracker.Clear();
        }
    }
}
