namespace AgentCore.Gateway.Contracts;

/// <summary>HTTP header names that carry meaning between the gateway's services.</summary>
public static class GatewayHeaders
{
    /// <summary>The correlation id of a request: a UUID, accepted from the client or created by the first service.</summary>
    public const string RequestId = "X-Request-ID";
}
