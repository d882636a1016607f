using System.Text;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.TestSupport;
using CsCheck;

namespace AgentCore.Gateway.ServiceDefaults.Tests.Input;

public sealed class JsonInputTests
{
    private static readonly Gen<string> UnreadableText = HostileInput.Text.Where(text => text.Contains('\0') || text.Any(char.IsSurrogate));

    [Fact]
    public void A_value_with_a_lone_surrogate_or_NUL_is_found_wherever_it_is_nested() =>
        Gen.Select(UnreadableText, Gen.Int[0, 3]).Sample((text, depth) =>
        {
            var json = Nest(HostileInput.JsonString(text), depth);
            var problem = JsonInput.FindTextProblem(Encoding.UTF8.GetBytes(json));
            Assert.NotNull(problem);
            Assert.False(problem.IsPropertyName);
        }, iter: 1_000);

    [Fact]
    public void A_property_name_with_a_lone_surrogate_or_NUL_is_found() =>
        UnreadableText.Sample(text =>
        {
            var problem = JsonInput.FindTextProblem(Encoding.UTF8.GetBytes($"{{\"ok\":1,{HostileInput.JsonString(text)}:2}}"));
            Assert.NotNull(problem);
            Assert.True(problem.IsPropertyName);
        }, iter: 1_000);

    [Fact]
    public void Invalid_UTF8_inside_a_string_is_found() =>
        HostileInput.InvalidUtf8.Sample(bytes =>
        {
            byte[] json = [.. "{\"task_type\":\""u8, .. bytes, .. "\"}"u8];
            var problem = JsonInput.FindTextProblem(json);
            Assert.NotNull(problem);
            Assert.Equal("task_type", problem.Property);
        }, iter: 500);

    [Fact]
    public void Control_characters_other_than_NUL_are_ordinary_text_in_JSON() =>
        HostileInput.ControlText.Where(text => !text.Contains('\0'))
            .Sample(text => Assert.Null(JsonInput.FindTextProblem(Encoding.UTF8.GetBytes(Nest(HostileInput.JsonString(text), 1)))), iter: 500);

    [Fact]
    public void Odd_shapes_and_malformed_JSON_are_left_to_the_reader() =>
        HostileInput.OddJson.Sample(json => Assert.Null(JsonInput.FindTextProblem(Encoding.UTF8.GetBytes(json))), iter: 200);

    [Fact]
    public void A_problem_is_described_without_repeating_the_text()
    {
        var problem = JsonInput.FindTextProblem("{\"name\":\"a\\u0000b\"}"u8)!;
        Assert.Equal("The JSON value of 'name' contains a NUL character.", problem.Describe());
    }

    private static string Nest(string value, int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":[", depth)) + "{\"v\":" + value + "}" + string.Concat(Enumerable.Repeat("]}", depth));
}
