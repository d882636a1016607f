using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Users;

namespace AgentCore.Gateway.Identity.Directories;

/// <summary>
/// Signs a user in against the directory their user name routes to: the directory checks the password, its groups map
/// to gateway roles, and the account linked to the user's entry is provisioned or refreshed. Wrong password and unknown
/// user give the same answer; a directory that does not answer in time gives <see cref="LoginResult.DirectoryUnavailable"/>.
/// </summary>
internal sealed partial class DirectorySignIn(
    LdapDirectories directories,
    ExternalAccountProvisioner provisioner,
    AuthAudit audit,
    IHttpContextAccessor http,
    TimeProvider time,
    ILogger<DirectorySignIn> logger)
{
    /// <summary>The directory for <paramref name="userName"/>, or null for a local user.</summary>
    public DirectoryRoute? Find(string userName) => directories.Find(userName);

    public async Task<(LoginResult Result, UserAccount? User)> AuthenticateAsync(DirectoryRoute route, string password, CancellationToken cancellationToken)
    {
        var directory = route.Directory;
        // An empty password would be an "unauthenticated bind", which many servers answer with success.
        if (password.Length == 0 || route.UserName.Length == 0 || route.UserName.Any(char.IsControl))
        {
            return Refused(route, LoginResult.InvalidCredentials, "invalid_credentials");
        }

        DirectoryAnswer answer;
        try
        {
            answer = await Task.Run(() => LdapDirectoryClient.Verify(route, password), cancellationToken)
                .WaitAsync(directory.Timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogNoAnswer(route.Name, directory.Timeout);
            return Refused(route, LoginResult.DirectoryUnavailable, "directory_unavailable");
        }

        if (answer.Outcome == DirectoryOutcome.Unavailable)
        {
            LogUnavailable(route.Name, answer.Problem);
            return Refused(route, LoginResult.DirectoryUnavailable, "directory_unavailable");
        }

        if (answer.Outcome == DirectoryOutcome.InvalidCredentials)
        {
            if (answer.Problem is not null)
            {
                LogRefused(route.Name, answer.Problem);
            }

            return Refused(route, LoginResult.InvalidCredentials, "invalid_credentials");
        }

        var roles = Roles(directory, answer.Groups ?? []);
        var (failure, user) = await provisioner.SignInAsync(
            new ExternalIdentity(route.Provider, answer.Subject!, route.UserName, directory.TenantId, roles), cancellationToken);
        switch (failure)
        {
            case ExternalSignInFailure.UnknownTenant:
                LogUnknownTenant(route.Name, directory.TenantId);
                return Refused(route, LoginResult.DirectoryUnavailable, "unknown_tenant");
            case ExternalSignInFailure.LockedOut:
                return Refused(route, LoginResult.Throttled, "locked_out", user);
        }

        LogSignedIn(route.Name, user!.Id, roles.Count);
        Record(route, AuditOutcomes.Success, user, reason: null);
        return (LoginResult.Succeeded, user);
    }

    /// <summary>The directory's default roles plus those its role map gives the user's groups, by DN or by name.</summary>
    private static List<string> Roles(LdapDirectoryOptions directory, IEnumerable<string> groups)
    {
        var roles = new SortedSet<string>(directory.DefaultRoles, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            if (directory.RoleMap.TryGetValue(group.Trim(), out var mapped) ||
                directory.RoleMap.TryGetValue(LdapEncoding.FirstRdnValue(group), out mapped))
            {
                roles.UnionWith(mapped);
            }
        }

        return [.. roles];
    }

    private (LoginResult Result, UserAccount? User) Refused(DirectoryRoute route, LoginResult result, string reason, UserAccount? user = null)
    {
        Record(route, AuditOutcomes.Failure, user, reason);
        return (result, user);
    }

    private void Record(DirectoryRoute route, string outcome, UserAccount? user, string? reason) =>
        audit.Record(http.HttpContext, AuditEventTypes.DirectorySignIn, outcome,
            new AuditActor(null, user?.Id, user?.TenantId ?? route.Directory.TenantId), reason,
            new Dictionary<string, string> { ["directory"] = route.Name });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory {Directory} did not answer within {Timeout}; the sign-in failed as unavailable")]
    private partial void LogNoAnswer(string directory, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory {Directory} is unavailable: {Problem}")]
    private partial void LogUnavailable(string directory, string? problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory {Directory} sign-in refused: {Problem}")]
    private partial void LogRefused(string directory, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Directory {Directory} maps users to tenant {TenantId}, which does not exist")]
    private partial void LogUnknownTenant(string directory, string tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory {Directory} signed in user {UserId} with {RoleCount} roles")]
    private partial void LogSignedIn(string directory, string userId, int roleCount);
}
