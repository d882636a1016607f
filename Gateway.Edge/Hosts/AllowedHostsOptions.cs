namespace AgentCore.Gateway.Edge.Hosts;

/// <summary>
/// The host names the Edge answers to: the standard <c>AllowedHosts</c> setting, semicolon-separated, with
/// <c>*.example.com</c> wildcards. Default: the host of <c>Gateway:Issuer</c> (the public URL), and in Development
/// also <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c>. Requests for any other host are refused with 400, so that
/// no answer (a redirect, a link) is ever built from a host the client chose.
/// </summary>
internal sealed class AllowedHostsOptions
{
    public const string ConfigurationKey = "AllowedHosts";

    public IReadOnlyList<string> Hosts { get; set; } = [];
}
