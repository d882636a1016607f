namespace AgentCore.Gateway.Contracts;

/// <summary>Claim names of the gateway's access tokens (RFC 9068 plus the gateway's own), shared by issuer and validators.</summary>
public static class GatewayClaims
{
    public const string Subject = "sub";
    public const string ClientId = "client_id";
    public const string Scope = "scope";
    public const string TenantId = "tenant_id";
    public const string Roles = "roles";
    public const string TokenId = "jti";
}
