using System.Net;
using System.Net.Sockets;

namespace AgentCore.Gateway.Contracts;

/// <summary>Truncates caller addresses before they are audited, so that the trail holds no full personal address.</summary>
public static class AuditAddresses
{
    /// <summary>IPv4 keeps its /24 network, IPv6 its /48; null stays null.</summary>
    public static string? Truncate(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var keep = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        for (var index = keep; index < bytes.Length; index++)
        {
            bytes[index] = 0;
        }

        return $"{new IPAddress(bytes)}/{keep * 8}";
    }
}
