using AgentCore.Gateway.Identity.Users;

namespace AgentCore.Gateway.Identity.Federation;

/// <summary>A provider's answer turned into a gateway identity, or the reason it cannot be.</summary>
internal sealed record ProviderMappingResult(ExternalIdentity? Identity, string? Refusal);
