using System.Net;
using AgentCore.Gateway.Identity.Directories;
using AgentCore.Gateway.Identity.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.Users;

/// <summary>
/// Checks passwords and applies the sign-in throttle, for the password grant and the login page alike. An unknown user
/// name, a wrong password and a throttled try give the same answer after the same work (a password hash is always
/// verified, against a dummy when there is nothing real to verify), so that the caller learns nothing about which
/// accounts exist. User names that end in a configured directory's domain are checked by that directory instead.
/// </summary>
internal sealed class UserAuthenticator(
    DirectorySignIn directories,
    SignInThrottle throttle,
    IdentityStoreDbContext db,
    IPasswordHasher<UserAccount> hasher,
    IOptions<LockoutOptions> lockout,
    TimeProvider time)
{
    private static readonly UserAccount Nobody = new() { Id = string.Empty, UserName = string.Empty, TenantId = string.Empty };
    private static string? dummyHash;

    /// <param name="userName">The name as typed.</param>
    /// <param name="password">The password as typed.</param>
    /// <param name="source">The caller's address: failures are counted per name and source.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    public async Task<(LoginResult Result, UserAccount? User)> AuthenticateAsync(string userName, string password, IPAddress? source, CancellationToken cancellationToken)
    {
        var route = directories.Find(userName);
        if (!await throttle.TryBeginAsync(userName, source))
        {
            // The same reads and hashing as a real try, so that a wait cannot be told apart by its answer's timing.
            var known = route is null ? await FindByNameAsync(userName, cancellationToken) : null;
            VerifyAgainstDummy(password);
            return (LoginResult.Throttled, known);
        }

        var (result, user) = route is not null
            ? await directories.AuthenticateAsync(route, password, cancellationToken)
            : await AuthenticateLocalAsync(userName, password, cancellationToken);
        if (user?.DisabledAt is not null)
        {
            return (LoginResult.InvalidCredentials, null);
        }

        if (result == LoginResult.Succeeded)
        {
            await throttle.SucceededAsync(userName, source);
        }

        return (result, user);
    }

    private Task<UserAccount?> FindByNameAsync(string userName, CancellationToken cancellationToken) =>
        db.Users.SingleOrDefaultAsync(account => account.UserName == userName, cancellationToken);

    private async Task<(LoginResult Result, UserAccount? User)> AuthenticateLocalAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var user = await FindByNameAsync(userName, cancellationToken);
        var now = time.GetUtcNow();
        if (user?.PasswordHash is null || user.DisabledAt is not null || IsLockedOut(user, now))
        {
            VerifyAgainstDummy(password);
            return (user is null || user.PasswordHash is null || user.DisabledAt is not null ? LoginResult.InvalidCredentials : LoginResult.Throttled, user);
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
            return (LoginResult.InvalidCredentials, user);
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

    /// <summary>The work of a real verification, for answers that must take as long as one.</summary>
    private void VerifyAgainstDummy(string password)
    {
        dummyHash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N"));
        hasher.VerifyHashedPassword(Nobody, dummyHash, password);
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
