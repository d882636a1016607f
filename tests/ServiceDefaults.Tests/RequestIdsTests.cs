using AgentCore.Gateway.ServiceDefaults.Correlation;
using Microsoft.Extensions.Primitives;

namespace AgentCore.Gateway.ServiceDefaults.Tests;

public sealed class RequestIdsTests
{
    [Fact]
    public void Accept_ValidUuid_KeepsItInCanonicalForm()
    {
        var id = Guid.NewGuid();

        Assert.Equal(id.ToString("D"), RequestIds.Accept(new StringValues(id.ToString("B").ToUpperInvariant())));
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    [InlineData("123")]
    public void Accept_InvalidValue_CreatesANewUuid(string header)
    {
        var accepted = RequestIds.Accept(new StringValues(header));

        Assert.True(Guid.TryParse(accepted, out _));
        Assert.NotEqual(header, accepted);
    }

    [Fact]
    public void Accept_TwoValues_CreatesANewUuid()
    {
        var first = Guid.NewGuid().ToString();

        var accepted = RequestIds.Accept(new StringValues([first, Guid.NewGuid().ToString()]));

        Assert.NotEqual(first, accepted);
        Assert.False(RequestIds.IsValid(new StringValues([first, first])));
    }
}
