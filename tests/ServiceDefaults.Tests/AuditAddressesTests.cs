using System.Net;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.ServiceDefaults.Tests;

public sealed class AuditAddressesTests
{
    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0/24")]
    [InlineData("::ffff:198.51.100.9", "198.51.100.0/24")]
    [InlineData("2001:db8:1234:5678::1", "2001:db8:1234::/48")]
    public void Truncate_KeepsOnlyTheNetworkPart(string address, string expected)
    {
        Assert.Equal(expected, AuditAddresses.Truncate(IPAddress.Parse(address)));
    }

    [Fact]
    public void Truncate_NoAddress_IsNull() => Assert.Null(AuditAddresses.Truncate(null));
}
