using System.Net;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// Accepts any port on a registered loopback-IP redirect URI, as RFC 8252 section 7.3 requires for native clients
/// (such as the CLI) that listen on an ephemeral port. Scheme, host, path and query must still match exactly.
/// Client secrets that were verified recently are accepted without hashing them again (<see cref="ClientSecretVerifications"/>).
/// </summary>
internal sealed class LoopbackRedirectApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    ClientSecretVerifications verifications)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (verifications.IsVerified(comparand, secret))
        {
            return true;
        }

        var valid = await base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        if (valid)
        {
            verifications.Remember(comparand, secret);
        }

        return valid;
    }

    public override async ValueTask<bool> ValidateRedirectUriAsync(
        OpenIddictEntityFrameworkCoreApplication application, string uri, CancellationToken cancellationToken = default)
    {
        if (await base.ValidateRedirectUriAsync(application, uri, cancellationToken))
        {
            return true;
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var requested) || !IsLoopbackIp(requested))
        {
            return false;
        }

        foreach (var registered in await GetRedirectUrisAsync(application, cancellationToken))
        {
            if (Uri.TryCreate(registered, UriKind.Absolute, out var candidate) && IsLoopbackIp(candidate) &&
                string.Equals(candidate.Scheme, requested.Scheme, StringComparison.Ordinal) &&
                string.Equals(candidate.Host, requested.Host, StringComparison.Ordinal) &&
                string.Equals(candidate.PathAndQuery, requested.PathAndQuery, StringComparison.Ordinal) &&
                string.IsNullOrEmpty(requested.Fragment) && string.IsNullOrEmpty(requested.UserInfo))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A loopback IP, or <c>localhost</c> as the MCP authorization spec also allows for native clients.</summary>
    private static bool IsLoopbackIp(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttp
        && (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}
