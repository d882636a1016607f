using System.Runtime.InteropServices;

namespace AgentCore.Gateway.Identity.Directories;

/// <summary>
/// Bounds OpenLDAP's synchronous calls. On Linux, <c>LdapConnection.Bind</c> calls libldap's synchronous bind, which
/// ignores <c>LdapConnection.Timeout</c> and waits forever on a server that accepts the connection but never answers:
/// every such sign-in would hold a thread for good. libldap's process-wide defaults for new connections
/// (<c>LDAP_OPT_TIMEOUT</c> for operations, <c>LDAP_OPT_NETWORK_TIMEOUT</c> for connecting) end those calls; the
/// sign-in's own deadline answers the user either way.
/// </summary>
internal static class LdapNativeTimeouts
{
    private const int LdapOptTimeout = 0x5002;
    private const int LdapOptNetworkTimeout = 0x5005;

    /// <summary>The libldap sonames System.DirectoryServices.Protocols loads, in its order.</summary>
    private static readonly string[] LibraryNames = ["libldap-2.5.so.0", "libldap-2.6.so.0", "libldap-2.4.so.2", "libldap.so.2"];

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetTimevalOption(IntPtr ld, int option, ref Timeval value);

    /// <summary>Sets both defaults to <paramref name="timeout"/>; false when libldap is missing or refused them.</summary>
    public static bool TryApply(TimeSpan timeout)
    {
        if (OperatingSystem.IsWindows())
        {
            // wldap32 honours LdapConnection.Timeout itself.
            return true;
        }

        var library = IntPtr.Zero;
        if (!LibraryNames.Any(name => NativeLibrary.TryLoad(name, out library)) ||
            !NativeLibrary.TryGetExport(library, "ldap_set_option", out var export))
        {
            return false;
        }

        var setOption = Marshal.GetDelegateForFunctionPointer<SetTimevalOption>(export);
        var value = new Timeval { Seconds = (nint)(timeout.Ticks / TimeSpan.TicksPerSecond), Microseconds = (nint)(timeout.Ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMicrosecond) };
        return setOption(IntPtr.Zero, LdapOptTimeout, ref value) == 0 && setOption(IntPtr.Zero, LdapOptNetworkTimeout, ref value) == 0;
    }

    /// <summary>POSIX <c>struct timeval</c> (both fields are C <c>long</c> on Linux and macOS).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Timeval
    {
        public nint Seconds;
        public nint Microseconds;
    }
}
