using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace AgentCore.Gateway.Audit.Query;

/// <summary>
/// The keyset position after the last event of a page, (timestamp, id), sent to clients as an opaque base64url string.
/// Timestamps are kept in microseconds, PostgreSQL's precision, so the position compares exactly with stored rows.
/// </summary>
internal readonly record struct AuditCursor(DateTimeOffset Timestamp, Guid Id)
{
    private const string Version = "v1";

    public string Encode()
    {
        var microseconds = (Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{Version}:{microseconds}:{Id:N}")));
    }

    public static bool TryDecode(string value, out AuditCursor cursor)
    {
        cursor = default;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(bytes).Split(':');
        if (parts is not [Version, var micros, var id]
            || !long.TryParse(micros, NumberStyles.Integer, CultureInfo.InvariantCulture, out var microseconds)
            || !Guid.TryParseExact(id, "N", out var guid)
            || microseconds < 0
            || microseconds > (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10)
        {
            return false;
        }

        cursor = new AuditCursor(DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10), guid);
        return true;
    }
}
