using AgentCore.Gateway.Identity.Directories;

namespace AgentCore.Gateway.Identity.Tests.Directories;

public sealed class LdapEncodingTests
{
    [Theory]
    [InlineData("carol", "carol")]
    [InlineData("*)(uid=*", "\\2a\\29\\28uid=\\2a")]
    [InlineData("a\\b", "a\\5cb")]
    [InlineData("nul\0", "nul\\00")]
    [InlineData("o'neil+ops, (*)", "o'neil+ops, \\28\\2a\\29")]
    public void Filter_values_escape_the_RFC_4515_characters(string value, string escaped) =>
        Assert.Equal(escaped, LdapEncoding.FilterValue(value));

    [Theory]
    [InlineData("carol", "carol")]
    [InlineData("carol,ou=admins", "carol\\,ou\\=admins")]
    [InlineData("a+b\"c\\d<e>f;g", "a\\+b\\\"c\\\\d\\<e\\>f\\;g")]
    [InlineData(" #lead", "\\ #lead")]
    [InlineData("#lead", "\\#lead")]
    [InlineData("trail ", "trail\\ ")]
    [InlineData("nul\0", "nul\\00")]
    public void DN_values_escape_the_RFC_4514_characters(string value, string escaped) =>
        Assert.Equal(escaped, LdapEncoding.DnValue(value));

    [Theory]
    [InlineData("cn=agents-admins,ou=groups,dc=globex,dc=example", "agents-admins")]
    [InlineData("CN=AgentCore Admins,OU=Groups,DC=initech,DC=example", "AgentCore Admins")]
    [InlineData("cn=Smith\\, John,ou=people", "Smith, John")]
    [InlineData("cn=Gr\\C3\\BC\\C3\\9Fe,ou=groups", "Grüße")]
    [InlineData("cn=multi+ou=valued,dc=example", "multi")]
    public void The_first_RDN_value_is_unescaped(string dn, string value) =>
        Assert.Equal(value, LdapEncoding.FirstRdnValue(dn));
}
