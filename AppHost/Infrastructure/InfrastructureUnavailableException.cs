namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>The chosen infrastructure mode cannot work on this machine; the message says what to install or choose.</summary>
internal sealed class InfrastructureUnavailableException(string message) : Exception(message);
