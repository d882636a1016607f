using AgentCore.Gateway.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.AppHost.Scaling;

/// <summary>
/// The <c>Scale</c> section: how many replicas of each service run, from configuration or the command line
/// (<c>--Scale:Edge=2</c>). Every replica is a resource of its own with its own ports, so the Edge probes, balances and
/// breaks each one on its own, and a killed replica refuses connections instead of hiding behind a proxy.
/// </summary>
internal sealed class ScaleOptions
{
    public const string SectionName = "Scale";

    /// <summary>The most replicas of one service; more would not fit on a development machine anyway.</summary>
    public const int MaxReplicas = 8;

    /// <summary>
    /// Edge replicas. Default: 1, which serves the public ports itself. With more, nginx (<see cref="EdgeFront"/>) takes
    /// the public ports and hands each request to a replica with the client's address in <c>X-Forwarded-For</c>.
    /// </summary>
    public int Edge { get; set; } = 1;

    /// <summary>Realtime replicas. Default: 2, so the default stack shows fan-out and replay across instances.</summary>
    public int Realtime { get; set; } = 2;

    /// <summary>AgentRuntime replicas. Default: 1.</summary>
    public int AgentRuntime { get; set; } = 1;

    /// <summary>Gateway.Audit replicas. Default: 1.</summary>
    public int Audit { get; set; } = 1;

    /// <summary>
    /// The nginx binary that fronts more than one Edge replica. Default: unset, which searches PATH and then
    /// <c>/usr/sbin</c>, <c>/usr/local/sbin</c>, <c>/opt/homebrew/bin</c> and <c>/usr/local/bin</c>.
    /// </summary>
    public string? NginxPath { get; set; }

    /// <summary>Reads and checks the section; throws <see cref="InfrastructureUnavailableException"/> naming a setting out of range.</summary>
    public static ScaleOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<ScaleOptions>() ?? new();
        foreach (var (name, value) in new[] { (nameof(Edge), options.Edge), (nameof(Realtime), options.Realtime), (nameof(AgentRuntime), options.AgentRuntime), (nameof(Audit), options.Audit) })
        {
            if (value is < 1 or > MaxReplicas)
            {
                throw new InfrastructureUnavailableException($"{SectionName}:{name} is {value}; it must be between 1 and {MaxReplicas}.");
            }
        }

        return options;
    }
}
