using Microsoft.Extensions.Primitives;

namespace AgentCore.Gateway.ServiceDefaults.Correlation;

/// <summary>How a correlation id is read from a client and created when the client sent none.</summary>
public static class RequestIds
{
    /// <summary>True when the header holds exactly one value and that value is a UUID.</summary>
    public static bool IsValid(StringValues header) => header.Count == 1 && Guid.TryParse(header[0], out _);

    /// <summary>The client's id when valid, normalised to the canonical lower-case form; a new UUID otherwise.</summary>
    public static string Accept(StringValues header) =>
        header.Count == 1 && Guid.TryParse(header[0], out var id) ? id.ToString("D") : Guid.NewGuid().ToString("D");
}
