using Microsoft.Extensions.Compliance.Classification;

namespace AgentCore.Gateway.Audit.Redaction;

/// <summary>The audit trail's data taxonomy: which fields of an event are personal or secret, and so how each is redacted.</summary>
internal static class AuditDataClasses
{
    public const string TaxonomyName = "AgentCore.Audit";

    /// <summary>
    /// Personal data that must stay correlatable (the user subject, the source network, usernames in details):
    /// stored and logged only as a keyed HMAC, so equal inputs give equal pseudonyms and nobody without the key can
    /// reverse or recompute them.
    /// </summary>
    public static DataClassification Pseudonymized { get; } = new(TaxonomyName, nameof(Pseudonymized));

    /// <summary>Credentials (tokens, passwords, client secrets, API keys): never stored nor logged, erased entirely.</summary>
    public static DataClassification Credential { get; } = new(TaxonomyName, nameof(Credential));
}
