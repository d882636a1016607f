using System.Data.Common;

namespace AgentCore.Gateway.ServiceDefaults.Errors;

/// <summary>Tells apart what a database refused for the data it was given from what went wrong with the database itself.</summary>
public static class DatabaseErrors
{
    /// <summary>
    /// True when <paramref name="exception"/> or an inner one is a database error caused by the content of the data:
    /// SQLSTATE class 22 (data exception: a NUL in text, a value out of range, malformed JSON), 23 (integrity
    /// constraint violation) or 54 (program limit exceeded: an index row too large). The same data fails the same way
    /// on every retry, so it is the caller's error (400), not an outage (503).
    /// </summary>
    public static bool IsCausedByContent(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException { SqlState: { Length: 5 } state }
                && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal) || state.StartsWith("54", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
