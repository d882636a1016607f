using System.Globalization;
using System.Threading.RateLimiting;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.TokenApi;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.RateLimiting;

internal static class TokenRateLimitExtensions
{
    /// <summary>
    /// A strict limit on the token endpoints, per client id and per source address, so that neither one client nor one
    /// address can guess secrets or passwords quickly. Other endpoints are not limited here.
    /// </summary>
    public static IHostApplicationBuilder AddTokenRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<TokenEndpointOptions>>((limiter, endpoint) =>
            {
                var settings = endpoint.Value;
                limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                    PartitionedRateLimiter.Create<HttpContext, string>(context => TokenBodyOf(context) is { } body
                        ? FixedWindow("client:" + (body.ClientId ?? "(none)"), settings.PermitsPerClient, settings.Window)
                        : RateLimitPartition.GetNoLimiter(string.Empty)),
                    PartitionedRateLimiter.Create<HttpContext, string>(context => TokenBodyOf(context) is not null
                        ? FixedWindow("address:" + context.Connection.RemoteIpAddress, settings.PermitsPerAddress, settings.Window)
                        : RateLimitPartition.GetNoLimiter(string.Empty)));
                limiter.OnRejected = (rejected, cancellationToken) =>
                {
                    if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    {
                        rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    }

                    return new ValueTask(ErrorResponses.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests,
                        ErrorCodes.RateLimitExceeded, "Too many token requests; retry later.",
                        new Dictionary<string, object?> { ["error"] = "rate_limited" }));
                };
            });
        return builder;
    }

    private static TokenRequestBody? TokenBodyOf(HttpContext context) => TokenRequestBody.Of(context);

    private static RateLimitPartition<string> FixedWindow(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        });

    public static WebApplication UseTokenRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }
}
