using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>A Redis stream entry id (<c>milliseconds-sequence</c>): the event id, ordered, and the replay cursor.</summary>
internal readonly record struct StreamEventId(ulong Milliseconds, ulong Sequence) : IComparable<StreamEventId>
{
    public static readonly StreamEventId Zero = new(0, 0);

    /// <summary>What <see cref="TryParse"/> accepts, as a regular expression: milliseconds, a dash, a sequence number.</summary>
    public const string Pattern = "^[0-9]+-[0-9]+$";

    public static bool TryParse([NotNullWhen(true)] string? value, out StreamEventId id)
    {
        id = Zero;
        var dash = value?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        if (value is null || dash <= 0
            || !ulong.TryParse(value.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !ulong.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        id = new StreamEventId(milliseconds, sequence);
        return true;
    }

    public static StreamEventId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException($"'{value}' is not a stream id.");

    public int CompareTo(StreamEventId other)
    {
        var byTime = Milliseconds.CompareTo(other.Milliseconds);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(StreamEventId left, StreamEventId right) => left.CompareTo(right) < 0;

    public static bool operator >(StreamEventId left, StreamEventId right) => left.CompareTo(right) > 0;

    public static bool operator <=(StreamEventId left, StreamEventId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StreamEventId left, StreamEventId right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");
}
