using System.Globalization;
using AgentCore.Gateway.ServiceDefaults.Input;

namespace AgentCore.Gateway.Audit.Query;

/// <summary>The filters and page of <c>GET /api/v1/audit/events</c>, read from the query string.</summary>
internal sealed record AuditEventQuery(
    string? TenantId,
    string? Type,
    string? ClientId,
    string? Subject,
    string? Outcome,
    DateTimeOffset? From,
    DateTimeOffset? To,
    int Limit,
    AuditCursor? After)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>The longest text filter: longer than any tenant, type, client id, subject or outcome the trail stores.</summary>
    public const int MaxFilterLength = 256;

    private static readonly string[] TextFilters = ["tenant_id", "type", "client_id", "subject", "outcome"];

    /// <summary>The query, or a message saying which parameter is wrong.</summary>
    public static (AuditEventQuery? Query, string? Error) Parse(IQueryCollection query)
    {
        foreach (var filter in TextFilters)
        {
            if (Single(query, filter) is { } text && InputText.FindNameProblem(text, MaxFilterLength) is { } problem)
            {
                return (null, $"'{filter}' {problem}.");
            }
        }

        if (!TryTime(query, "from", out var from) || !TryTime(query, "to", out var to))
        {
            return (null, "'from' and 'to' must be ISO 8601 timestamps with an offset, such as 2026-01-31T12:00:00Z.");
        }

        if (from is not null && to is not null && from > to)
        {
            return (null, "'from' must not be after 'to'.");
        }

        var limit = DefaultLimit;
        if (Single(query, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return (null, $"'limit' must be a whole number from 1 to {MaxLimit}.");
        }

        AuditCursor? after = null;
        if (Single(query, "cursor") is { } cursorText)
        {
            if (!AuditCursor.TryDecode(cursorText, out var cursor))
            {
                return (null, "'cursor' is not a cursor this API returned.");
            }

            after = cursor;
        }

        return (new AuditEventQuery(
            Single(query, "tenant_id"),
            Single(query, "type"),
            Single(query, "client_id"),
            Single(query, "subject"),
            Single(query, "outcome"),
            from,
            to,
            limit,
            after), null);
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values[^1]) ? values[^1] : null;

    private static bool TryTime(IQueryCollection query, string name, out DateTimeOffset? value)
    {
        value = null;
        if (Single(query, name) is not { } text)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        value = parsed.ToUniversalTime();
        return true;
    }
}
