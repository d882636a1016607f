using System.Globalization;
using System.Text;
using CsCheck;

namespace AgentCore.Gateway.TestSupport;

/// <summary>
/// Generators of text that no gateway endpoint may answer with a 500: lone UTF-16 surrogates, NUL, control characters,
/// overlong values, invalid UTF-8, and odd JSON shapes. Each hostile string mixes ordinary text with at least one
/// hostile part, so that a check that only looks at the start or the end of a value still meets it.
/// </summary>
public static class HostileInput
{
    /// <summary>Characters that are harmless anywhere: what hostile parts are mixed into.</summary>
    public static readonly Gen<string> Plain = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_."], 0, 12];

    /// <summary>One character that must never reach storage or a name: a lone surrogate, NUL, a C0 or C1 control, DEL.</summary>
    public static readonly Gen<char> HostileChar = Gen.Frequency(
        (3, Gen.Char['\uD800', '\uDBFF']),
        (2, Gen.Char['\uDC00', '\uDFFF']),
        (3, Gen.Const('\0')),
        (3, Gen.Char['\u0001', '\u001F']),
        (1, Gen.Const('\u007F')),
        (1, Gen.Char['\u0080', '\u009F']));

    /// <summary>
    /// A string holding one to three hostile characters between ordinary text; they are kept apart, so that two
    /// surrogates never happen to make a valid pair.
    /// </summary>
    public static readonly Gen<string> Text = Gen.Select(Plain, HostileChar.Array[1, 3], Plain, (before, hostile, after) => before + string.Join('x', hostile) + after);

    /// <summary>A string holding a character HTTP can carry but no identifier may hold: NUL, controls, DEL (no surrogates).</summary>
    public static readonly Gen<string> ControlText = Gen.Select(
        Plain,
        Gen.Frequency((1, Gen.Const('\0')), (4, Gen.Char['\u0001', '\u001F']), (1, Gen.Const('\u007F'))).Array[1, 3],
        Plain,
        (before, hostile, after) => before + new string(hostile) + after);

    /// <summary>A value far longer than any name or identifier the gateway accepts.</summary>
    public static readonly Gen<string> Overlong = Gen.Int[1_000, 20_000].Select(length => new string('a', length));

    /// <summary>Bytes that are not UTF-8: a stray continuation byte, an overlong form, an encoded surrogate, a truncated sequence, 0xFF.</summary>
    public static readonly Gen<byte[]> InvalidUtf8 = Gen.Select(
        Plain,
        Gen.OneOf<byte[]>([0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xFF], [0xF8, 0x88, 0x80, 0x80, 0x80]),
        Plain,
        (string before, byte[] invalid, string after) => (byte[])[.. Encoding.ASCII.GetBytes(before), .. invalid, .. Encoding.ASCII.GetBytes(after)]);

    /// <summary>Any of the hostile strings above.</summary>
    public static readonly Gen<string> AnyText = Gen.Frequency((6, Text), (1, Overlong));

    /// <summary>A JSON document that is valid JSON text but an odd shape: deep nesting, wrong types, huge numbers, duplicates.</summary>
    public static readonly Gen<string> OddJson = Gen.OneOf(
        Gen.Int[65, 2_000].Select(depth => new string('[', depth) + new string(']', depth)),
        Gen.Int[65, 2_000].Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)),
        Gen.OneOf(Gen.Const("null"), Gen.Const("[]"), Gen.Const("\"text\""), Gen.Const("1e999999"), Gen.Const("-0"), Gen.Const("true")),
        Gen.OneOf(Gen.Const("{\"a\":1,\"a\":2}"), Gen.Const("{\"a\":[1,{\"b\":null}],\"c\":{}}"), Gen.Const("{\"task_type\":{\"x\":1},\"input_data\":\"s\"}")));

    /// <summary>
    /// <paramref name="value"/> as a JSON string literal that escapes everything but printable ASCII, so that lone surrogates
    /// and NUL travel as <c>\uXXXX</c> escapes: valid UTF-8 on the wire, invalid text once decoded.
    /// </summary>
    public static string JsonString(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var character in value)
        {
            if (character is >= ' ' and <= '~' && character is not ('"' or '\\'))
            {
                json.Append(character);
            }
            else
            {
                json.Append("\\u").Append(((int)character).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return json.Append('"').ToString();
    }

    /// <summary><paramref name="value"/> percent-encoded for a URL query, byte by byte of its UTF-8 form (lone surrogates become U+FFFD).</summary>
    public static string QueryEscape(string value) => PercentEncode(Encoding.UTF8.GetBytes(value));

    /// <summary>Raw bytes percent-encoded one by one, for invalid UTF-8 in a URL.</summary>
    public static string PercentEncode(byte[] bytes) => string.Concat(bytes.Select(b => "%" + b.ToString("X2", CultureInfo.InvariantCulture)));
}
