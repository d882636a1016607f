using System.Globalization;
using System.Text;

namespace AgentCore.Gateway.Identity.Directories;

/// <summary>
/// Puts untrusted text into LDAP strings as a value and nothing more: escaped for a search filter (RFC 4515), so that
/// <c>*)(uid=*</c> matches nothing, or for a distinguished name (RFC 4514), so that a comma cannot add an RDN.
/// </summary>
internal static class LdapEncoding
{
    /// <summary>Escapes a value for a search filter: <c>*</c>, <c>(</c>, <c>)</c>, <c>\</c> and NUL become <c>\2a</c> and so on.</summary>
    public static string FilterValue(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var character in value)
        {
            if (character is '*' or '(' or ')' or '\\' or '\0')
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\{(int)character:x2}");
            }
            else
            {
                escaped.Append(character);
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// Escapes an attribute value for a DN: the special characters with a backslash, NUL as <c>\00</c>, and a leading
    /// space or '#' and a trailing space, which would otherwise change the value.
    /// </summary>
    public static string DnValue(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        for (var index = 0; index < value.Length; index++)
        {
            var character = value[index];
            if (character == '\0')
            {
                escaped.Append("\\00");
            }
            else if (character is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '=' ||
                (index == 0 && character is ' ' or '#') ||
                (index == value.Length - 1 && character == ' '))
            {
                escaped.Append('\\').Append(character);
            }
            else
            {
                escaped.Append(character);
            }
        }

        return escaped.ToString();
    }

    /// <summary>The value of a DN's first RDN, unescaped: <c>agents-admins</c> for <c>cn=agents-admins,ou=groups,…</c>.</summary>
    public static string FirstRdnValue(string dn)
    {
        var start = dn.IndexOf('=', StringComparison.Ordinal) + 1;
        var value = new List<byte>();
        for (var index = start; index < dn.Length && dn[index] is not (',' or '+'); index++)
        {
            if (dn[index] == '\\' && index + 2 < dn.Length && Uri.IsHexDigit(dn[index + 1]) && Uri.IsHexDigit(dn[index + 2]))
            {
                // A hex pair is one byte of the value's UTF-8 encoding.
                value.Add(Convert.ToByte(dn.Substring(index + 1, 2), 16));
                index += 2;
                continue;
            }

            if (dn[index] == '\\' && index + 1 < dn.Length)
            {
                index++;
            }

            value.AddRange(Encoding.UTF8.GetBytes(dn[index].ToString()));
        }

        return Encoding.UTF8.GetString([.. value]).Trim();
    }
}
