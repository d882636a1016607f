using System.Text;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.TestSupport;
using CsCheck;

namespace AgentCore.Gateway.ServiceDefaults.Tests.Input;

public sealed class InputTextTests
{
    [Fact]
    public void Every_hostile_string_is_refused_as_a_name() =>
        HostileInput.Text.Sample(text => Assert.NotNull(InputText.FindNameProblem(text)), iter: 2_000);

    [Fact]
    public void Text_with_a_lone_surrogate_or_NUL_is_refused_and_other_text_is_not() =>
        HostileInput.Text.Sample(text =>
        {
            var expected = text.Contains('\0') || !IsEncodable(text);
            Assert.Equal(expected, InputText.FindTextProblem(text) is not null);
        }, iter: 2_000);

    [Fact]
    public void Any_string_without_controls_or_lone_surrogates_is_a_valid_name() =>
        Gen.String.Where(text => IsEncodable(text) && !text.Any(char.IsControl))
            .Sample(text => Assert.Null(InputText.FindNameProblem(text)), iter: 2_000);

    [Theory]
    [InlineData("agent-1")]
    [InlineData("Ünïcødé 名前 😀")]
    [InlineData("")]
    public void Ordinary_names_pass(string name) => Assert.Null(InputText.FindNameProblem(name, maxLength: 100));

    [Fact]
    public void A_name_over_the_length_cap_is_refused() =>
        Assert.Equal("is longer than 3 characters", InputText.FindNameProblem("abcd", maxLength: 3));

    [Fact]
    public void A_header_value_may_hold_a_tab_but_no_other_control_character()
    {
        Assert.Null(InputText.FindHeaderProblem("a\tb"));
        HostileInput.ControlText.Where(text => text.Any(character => character != '\t'))
            .Sample(text => Assert.Equal(
                text.Any(character => character != '\t' && char.IsControl(character)),
                InputText.FindHeaderProblem(text) is not null), iter: 500);
    }

    /// <summary>What UTF-8 can carry: every surrogate paired.</summary>
    private static bool IsEncodable(string text)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
