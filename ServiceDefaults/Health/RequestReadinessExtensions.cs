using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.ServiceDefaults.Health;

public static class RequestReadinessExtensions
{
    /// <summary>
    /// Declares that the requests of <paramref name="need"/> (a group of routes, see
    /// <see cref="AgentCore.Gateway.Contracts.ReadinessNeeds"/>) depend on the health checks named
    /// <paramref name="checkNames"/> and on nothing else: <c>GET /ready/{need}</c> runs those and the liveness checks.
    /// A proxy probing it keeps sending such requests to the service while a dependency they do not use is down, which
    /// <c>/health</c> still reports.
    /// </summary>
    public static TBuilder AddRequestReadiness<TBuilder>(this TBuilder builder, string need, params string[] checkNames)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var name in checkNames)
            {
                var registration = options.Registrations.FirstOrDefault(candidate => candidate.Name == name)
                    ?? throw new InvalidOperationException($"The readiness of '{need}' names the health check '{name}', which is not registered.");
                registration.Tags.Add(NeedTag(need));
            }
        });
        return builder;
    }

    /// <summary>The tag that marks a check as a dependency of <paramref name="need"/>.</summary>
    internal static string NeedTag(string need) => "need:" + need;
}
