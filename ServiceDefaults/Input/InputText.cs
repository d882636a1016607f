using System.Buffers;

namespace AgentCore.Gateway.ServiceDefaults.Input;

/// <summary>
/// The rules for text that comes from outside, applied once where it enters a service. Any string must be well-formed
/// UTF-16 (a lone surrogate cannot be encoded: JSON writers, Npgsql and Redis clients throw on it) and hold no NUL
/// (PostgreSQL's text types cannot store one). Names, identifiers, query values and paths also hold no control
/// character at all: none has a meaning there, and a tab or a line break only hides what a value really is.
/// </summary>
public static class InputText
{
    /// <summary>C0 controls, DEL and C1 controls: Unicode's category Cc.</summary>
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(code => (char)code)));

    /// <summary>What a header value must not hold: C0 controls but the tab (RFC 9110 allows it), and DEL.</summary>
    private static readonly SearchValues<char> HeaderControlCharacters = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Where(code => code != '\t').Append(0x7F).Select(code => (char)code)));

    /// <summary>Why <paramref name="value"/> cannot be taken as free text, or null when it can.</summary>
    public static string? FindTextProblem(ReadOnlySpan<char> value)
    {
        if (value.Contains('\0'))
        {
            return "contains a NUL character";
        }

        return IsWellFormed(value) ? null : "contains a lone UTF-16 surrogate";
    }

    /// <summary>Why <paramref name="value"/> cannot be taken as a name or identifier of at most <paramref name="maxLength"/> characters, or null.</summary>
    public static string? FindNameProblem(ReadOnlySpan<char> value, int maxLength = int.MaxValue)
    {
        if (value.Length > maxLength)
        {
            return $"is longer than {maxLength} characters";
        }

        if (value.ContainsAny(ControlCharacters))
        {
            return "contains a control character";
        }

        return IsWellFormed(value) ? null : "contains a lone UTF-16 surrogate";
    }

    /// <summary>Why <paramref name="value"/> cannot be an HTTP field value, or null.</summary>
    public static string? FindHeaderProblem(ReadOnlySpan<char> value) =>
        value.ContainsAny(HeaderControlCharacters) ? "contains a control character" : null;

    /// <summary>True when every surrogate in <paramref name="value"/> is half of a pair.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        // Nearly all text has no surrogate at all: one vectorised scan settles it.
        var index = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (index < 0)
        {
            return true;
        }

        while (index < value.Length)
        {
            var current = value[index];
            if (char.IsHighSurrogate(current) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                index += 2;
                continue;
            }

            if (char.IsSurrogate(current))
            {
                return false;
            }

            index++;
        }

        return true;
    }
}
