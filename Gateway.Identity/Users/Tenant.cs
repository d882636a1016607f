namespace AgentCore.Gateway.Identity.Users;

/// <summary>A customer organisation; every user and API key belongs to exactly one.</summary>
internal sealed class Tenant
{
    public required string Id { get; set; }

    public required string DisplayName { get; set; }
}
