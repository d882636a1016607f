using System.Buffers;

namespace AgentCore.Gateway.Identity.Login;

/// <summary>
/// Where a sign-in may send the browser back to: a path on this site, written as a URL is on the wire (printable ASCII,
/// percent-encoded otherwise). Anything else, an absolute or protocol-relative URL, a backslash trick, a control
/// character or a raw non-ASCII character (which would end up in the <c>Location</c> header), goes to the root instead.
/// </summary>
internal static class ReturnUrl
{
    private static readonly SearchValues<char> UrlCharacters = SearchValues.Create(
        string.Concat(Enumerable.Range('!', '~' - '!' + 1).Select(code => (char)code)));

    /// <summary>The return URL when it is a local path, else <c>/</c>: the login never redirects elsewhere.</summary>
    public static string LocalOrRoot(string? url) => IsLocal(url) ? url! : "/";

    private static bool IsLocal(string? url) =>
        url is ['/', ..]
        && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.StartsWith("/\\", StringComparison.Ordinal)
        && !url.AsSpan().ContainsAnyExcept(UrlCharacters);
}
