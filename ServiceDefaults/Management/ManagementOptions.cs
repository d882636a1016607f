using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.ServiceDefaults.Management;

/// <summary>
/// The <c>Management</c> section: the separate port on which a service serves its probes and metrics. The AppHost
/// gives every service an endpoint named <c>management</c> and passes its port as <c>Management__Port</c>.
/// </summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Management";

    /// <summary>
    /// The port of the management endpoint (Kestrel must listen on it too, as <c>ASPNETCORE_URLS</c> arranges). When
    /// set, <c>/health</c>, <c>/ready</c>, <c>/alive</c> and <c>/metrics</c> answer only there, and nothing else does.
    /// Default: none, for a single-port run (tests, a bare <c>dotnet run</c>), where they share the service's port.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}
