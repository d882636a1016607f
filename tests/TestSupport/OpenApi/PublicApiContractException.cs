namespace AgentCore.Gateway.TestSupport.OpenApi;

/// <summary>A real request or response departs from the public API's OpenAPI document.</summary>
public sealed class PublicApiContractException : Exception
{
    public PublicApiContractException()
    {
    }

    public PublicApiContractException(string message)
        : base(message)
    {
    }

    public PublicApiContractException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws when there is any violation, naming all of them.</summary>
    public static void ThrowIfAny(IReadOnlyCollection<string> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (violations.Count > 0)
        {
            throw new PublicApiContractException(
                "The service and the public API document disagree (a service's part is generated from its endpoints, the Edge's from its own endpoints and OpenApi/EdgeApiDocumentTransformer); fix whichever is wrong:" + Environment.NewLine + string.Join(Environment.NewLine, violations));
        }
    }
}
