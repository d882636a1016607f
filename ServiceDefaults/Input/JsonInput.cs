using System.Text.Json;
using System.Text.Unicode;

namespace AgentCore.Gateway.ServiceDefaults.Input;

/// <summary>A JSON string, value or property name, that is not acceptable text.</summary>
/// <param name="IsPropertyName">The string is a property name rather than a value.</param>
/// <param name="Property">For a value, the name of the property it is the value of, when it is one's direct value.</param>
/// <param name="Reason">What is wrong with it, as the end of a sentence ("contains a NUL character").</param>
public sealed record JsonTextProblem(bool IsPropertyName, string? Property, string Reason)
{
    /// <summary>A sentence for an error message; it never repeats the offending text.</summary>
    public string Describe() => (IsPropertyName, Property) switch
    {
        (true, _) => $"A JSON property name {Reason}.",
        (false, { } name) => $"The JSON value of '{name}' {Reason}.",
        _ => $"A JSON string {Reason}.",
    };
}

/// <summary>
/// Checks every string of a JSON document, property names included, before anything reads it: the reader accepts
/// invalid UTF-8 and escaped lone surrogates (<c>"\ud800"</c>) while parsing, and only throws later, from
/// <c>GetString</c>, wherever the value happens to be read. Syntax errors are left to whoever reads the document.
/// </summary>
public static class JsonInput
{
    /// <summary>The first string that is not acceptable text (<see cref="InputText.FindTextProblem"/>), or null.</summary>
    public static JsonTextProblem? FindTextProblem(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        string? property = null;
        try
        {
            while (reader.Read())
            {
                var isName = reader.TokenType == JsonTokenType.PropertyName;
                string? text = null;
                if ((isName || reader.TokenType == JsonTokenType.String) && StringProblem(ref reader, out text) is { } reason)
                {
                    return new JsonTextProblem(isName, isName ? null : property, reason);
                }

                // Only a property's direct value is named after it; anything nested deeper is just "a JSON string".
                property = isName ? text : null;
            }
        }
        catch (JsonException)
        {
            // Malformed: the reader of the document answers that in its own words.
        }

        return null;
    }

    /// <summary>What is wrong with the current string, or null; a property name's text comes out for messages.</summary>
    private static string? StringProblem(ref Utf8JsonReader reader, out string? text)
    {
        text = null;
        if (!reader.ValueIsEscaped)
        {
            // Unescaped, the reader has already refused raw control characters; only the encoding is left to check.
            if (!Utf8.IsValid(reader.ValueSpan))
            {
                return "is not valid UTF-8";
            }

            text = reader.TokenType == JsonTokenType.PropertyName ? reader.GetString() : null;
            return null;
        }

        try
        {
            text = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return "is not valid UTF-8 or UTF-16";
        }

        return InputText.FindTextProblem(text);
    }
}
