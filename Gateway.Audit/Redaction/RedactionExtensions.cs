using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Audit.Redaction;

internal static class RedactionExtensions
{
    /// <summary>
    /// The redactors of the audit taxonomy: HMAC-SHA256 for <see cref="AuditDataClasses.Pseudonymized"/> with the key from
    /// <c>AuditRedaction</c> (validated at start), erasure for <see cref="AuditDataClasses.Credential"/> and for anything
    /// unclassified.
    /// </summary>
    public static IHostApplicationBuilder AddAuditRedaction(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuditRedactionOptions>(AuditRedactionOptions.SectionName);
        builder.Services.AddRedaction(redaction =>
        {
            redaction.SetRedactor<ErasingRedactor>(new DataClassificationSet(AuditDataClasses.Credential));
            redaction.SetFallbackRedactor<ErasingRedactor>();
            redaction.SetHmacRedactor(_ => { }, new DataClassificationSet(AuditDataClasses.Pseudonymized));
        });
        builder.Services.AddOptions<HmacRedactorOptions>()
            .Configure<IOptions<AuditRedactionOptions>>((hmac, audit) =>
            {
                hmac.KeyId = audit.Value.HmacKeyId;
                hmac.Key = audit.Value.HmacKey;
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<AuditEventRedactor>();
        return builder;
    }
}
