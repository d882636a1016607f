using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>The configured policies by name, built once.</summary>
internal sealed class RateLimitPolicies(
    IOptions<RateLimitingOptions> options,
    RedisRateLimitStore store,
    RateLimitingMetrics metrics,
    TimeProvider time,
    IHttpContextAccessor accessor)
{
    private readonly Dictionary<string, GatewayRateLimiterPolicy> policies = options.Value.Policies.Keys.ToDictionary(
        name => name,
        name => new GatewayRateLimiterPolicy(name, options, store, metrics, time, accessor),
        StringComparer.Ordinal);

    public GatewayRateLimiterPolicy this[string name] => policies[name];
}

/// <summary>
/// One configured policy as ASP.NET Core sees it: each request maps to a partition made of every limit's counting key,
/// and each partition gets its own <see cref="DistributedRateLimiter"/>.
/// </summary>
internal sealed class GatewayRateLimiterPolicy(
    string name,
    IOptions<RateLimitingOptions> options,
    RedisRateLimitStore store,
    RateLimitingMetrics metrics,
    TimeProvider time,
    IHttpContextAccessor accessor) : IRateLimiterPolicy<string>
{
    private readonly RateLimitPolicyOptions policy = options.Value.Policies[name];

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    /// <remarks>
    /// The partition key is the callers' raw identities, which stay in this process; they are hashed into Redis keys only
    /// when a partition's limiter is created, so a request of a known caller costs no hashing.
    /// </remarks>
    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var partitions = new string[policy.Limits.Count];
        for (var index = 0; index < partitions.Length; index++)
        {
            partitions[index] = Partition(policy.Limits[index], httpContext);
        }

        return RateLimitPartition.Get(
            string.Join('\n', partitions),
            _ => new DistributedRateLimiter(name, policy, RedisKeys(partitions), store, metrics, time, accessor));
    }

    private static string Partition(RateLimitOptions limit, HttpContext context)
    {
        var dimensions = limit.Dimensions;
        if (dimensions.Count == 1)
        {
            return Segment(dimensions[0], context) + "|";
        }

        var partition = new StringBuilder();
        foreach (var dimension in dimensions)
        {
            partition.Append(Segment(dimension, context)).Append('|');
        }

        return partition.ToString();
    }

    /// <summary>
    /// <c>ratelimit:{policy:partition}:limit</c>: the hash tag keeps one caller's keys on one Redis Cluster slot, and
    /// callers' identities are hashed so that no raw address or key ever becomes a Redis key.
    /// </summary>
    private string[] RedisKeys(string[] partitions) =>
        [.. partitions.Select((partition, index) =>
            $"ratelimit:{{{name}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition)))[..32]}}}:{index}")];

    private static string Segment(PartitionDimension dimension, HttpContext context)
    {
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        var caller = (user.Identity as GatewayIdentity)?.Caller;
        var tenant = caller?.TenantId ?? user.FindFirst(GatewayClaims.TenantId)?.Value;
        var client = caller?.ClientId ?? user.FindFirst(GatewayClaims.ClientId)?.Value;
        var subject = caller?.Subject ?? user.FindFirst(GatewayClaims.Subject)?.Value;
        return dimension switch
        {
            PartitionDimension.Caller when authenticated => CallerSegment(context, client, subject, tenant),
            PartitionDimension.Client when authenticated => "client:" + client,
            PartitionDimension.Tenant when authenticated && !string.IsNullOrEmpty(tenant) => "tenant:" + tenant,

            // A caller bound to no tenant (a platform administrator) is a tenant of its own.
            PartitionDimension.Tenant when authenticated => CallerSegment(context, client, subject, tenant),
            PartitionDimension.ApiKey when context.Request.Headers[ApiKeys.Header] is [{ Length: > 0 } key] => "key:" + ApiKeys.Hash(key),
            PartitionDimension.Route => "route:" + (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId ?? context.Request.Path.Value),
            _ => "address:" + context.Connection.RemoteIpAddress,
        };
    }

    /// <summary>
    /// Who is calling, as finely as the credential tells: an API key by its hash; a user (a subject that is not the
    /// client itself) by tenant and subject, so that every user of a shared public client has a quota of their own; a
    /// client-credentials caller by its client.
    /// </summary>
    private static string CallerSegment(HttpContext context, string? client, string? subject, string? tenant)
    {
        if (context.Request.Headers[ApiKeys.Header] is [{ Length: > 0 } key])
        {
            return "key:" + ApiKeys.Hash(key);
        }

        return subject is null || subject == client ? "client:" + client : "user:" + tenant + "|" + subject;
    }
}
