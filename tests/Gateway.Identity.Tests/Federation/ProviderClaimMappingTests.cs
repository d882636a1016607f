using System.Security.Claims;
using AgentCore.Gateway.Identity.Federation;

namespace AgentCore.Gateway.Identity.Tests.Federation;

public sealed class ProviderClaimMappingTests
{
    [Fact]
    public void Map_UnmappedProviderRoles_GrantNothing()
    {
        var provider = Provider();
        provider.RoleMap["engineers"] = ["agent-operator"];

        var result = ProviderClaimMapping.Map("corp", provider, Principal(("sub", "u-1"), ("roles", "engineers"), ("roles", "gateway-admin"), ("roles", "agent-admin")));

        Assert.Equal(["agent-operator"], result.Identity!.Roles);
        Assert.Equal("oidc:corp", result.Identity.Provider);
        Assert.Equal("u-1", result.Identity.Subject);
        Assert.Equal("acme", result.Identity.TenantId);
    }

    [Fact]
    public void Map_RoleClaimAndDefaultRoles_AreCombinedWithoutDuplicates()
    {
        var provider = Provider();
        provider.RoleClaim = "groups";
        provider.RoleMap["ops"] = ["agent-operator", "auditor"];
        provider.RoleMap["audit"] = ["auditor"];
        provider.DefaultRoles.Add("federated");

        var result = ProviderClaimMapping.Map("corp", provider, Principal(("sub", "u-1"), ("groups", "ops"), ("groups", "audit"), ("roles", "ops")));

        Assert.Equal(["agent-operator", "auditor", "federated"], result.Identity!.Roles);
    }

    [Theory]
    [InlineData("eu", "globex")]
    [InlineData("us", "acme")]
    public void Map_TenantClaim_ChoosesTheMappedTenant(string claimValue, string tenant)
    {
        var provider = Provider();
        provider.TenantClaim = "org";
        provider.TenantMap["eu"] = "globex";
        provider.TenantMap["us"] = "acme";

        var result = ProviderClaimMapping.Map("corp", provider, Principal(("sub", "u-1"), ("org", claimValue)));

        Assert.Equal(tenant, result.Identity!.TenantId);
    }

    [Theory]
    [InlineData("acme")]
    [InlineData(null)]
    public void Map_TenantClaimValueNotInTheMap_IsRefused(string? claimValue)
    {
        var provider = Provider();
        provider.TenantClaim = "org";
        provider.TenantMap["eu"] = "globex";
        (string, string)[] claims = claimValue is null ? [("sub", "u-1")] : [("sub", "u-1"), ("org", claimValue)];

        var result = ProviderClaimMapping.Map("corp", provider, Principal(claims));

        Assert.Null(result.Identity);
        Assert.Contains("'org'", result.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_NoSubject_IsRefused()
    {
        var result = ProviderClaimMapping.Map("corp", Provider(), Principal(("preferred_username", "alice")));

        Assert.Null(result.Identity);
        Assert.Contains("subject", result.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_Name_PrefersTheUserNameOverEmailAndSubject()
    {
        var withUserName = ProviderClaimMapping.Map("corp", Provider(), Principal(("sub", "u-1"), ("email", "a@example.com"), ("preferred_username", "alice")));
        var withEmail = ProviderClaimMapping.Map("corp", Provider(), Principal(("sub", "u-1"), ("email", "a@example.com")));
        var withSubjectOnly = ProviderClaimMapping.Map("corp", Provider(), Principal(("sub", "u-1")));

        Assert.Equal("alice", withUserName.Identity!.Name);
        Assert.Equal("a@example.com", withEmail.Identity!.Name);
        Assert.Equal("u-1", withSubjectOnly.Identity!.Name);
    }

    private static OidcProviderOptions Provider() => new() { Authority = new Uri("https://login.example/"), ClientId = "gateway", TenantId = "acme" };

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(claim => new Claim(claim.Type, claim.Value)), "external"));
}
