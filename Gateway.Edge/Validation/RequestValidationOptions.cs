using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Edge.Validation;

/// <summary>The <c>RequestValidation</c> section: what the Edge refuses before a request reaches a backend.</summary>
internal sealed class RequestValidationOptions
{
    public const string SectionName = "RequestValidation";

    /// <summary>
    /// The YARP route metadata key that marks a route as taking JSON bodies (value <c>true</c>): such routes get 415
    /// for other content types and 400 for malformed JSON.
    /// </summary>
    public const string JsonBodyMetadataKey = "Edge.JsonBody";

    /// <summary>The largest request body accepted, in bytes. Default: 1 MiB.</summary>
    [Range(1, 1L << 30)]
    public long MaxBodySize { get; set; } = 1024 * 1024;
}
