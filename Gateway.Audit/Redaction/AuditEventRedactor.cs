using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Audit.Redaction;

/// <summary>
/// Turns an <see cref="AuditEvent"/> as producers sent it into what may be stored: the subject and source address
/// become HMAC pseudonyms, anything that looks like a credential is erased (whatever field it hides in), query strings
/// are cut from routes, and text is bounded and free of characters PostgreSQL refuses. The client id and tenant stay
/// readable: they name applications and organisations, not people, and are what operators filter on.
/// </summary>
internal sealed partial class AuditEventRedactor
{
    private const int MaxCachedPseudonyms = 20_000;

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    // Keys whose value is a credential by name. "jti", "*_hash" and "*_id" stay: they identify a token without being one.
    private static readonly string[] CredentialKeyParts =
        ["password", "passwd", "secret", "token", "api_key", "apikey", "authorization", "assertion", "credential", "cookie", "code_verifier", "private_key"];

    private static readonly FrozenSet<string> PersonalKeys =
        FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "username", "user_name", "email", "subject", "sub", "login_hint", "ip", "source_address", "phone");

    /// <summary>
    /// Pseudonyms already computed: the same users and (truncated) addresses come back in event after event, and an
    /// HMAC costs more than the rest of an event's redaction. Bounded: emptied when full.
    /// </summary>
    private readonly ConcurrentDictionary<string, string> pseudonyms = new(StringComparer.Ordinal);
    private readonly Func<string, string> computePseudonym;
    private readonly Redactor pseudonymizer;
    private readonly Redactor eraser;
    private readonly int maxFieldLength;

    public AuditEventRedactor(IRedactorProvider redactors, IOptions<AuditRedactionOptions> options)
    {
        pseudonymizer = redactors.GetRedactor(AuditDataClasses.Pseudonymized);
        computePseudonym = pseudonymizer.Redact;
        eraser = redactors.GetRedactor(AuditDataClasses.Credential);
        maxFieldLength = options.Value.MaxFieldLength;
    }

    public AuditRecord ToRecord(AuditEvent auditEvent, DateTimeOffset ingestedAt) => new()
    {
        Id = auditEvent.Id,
        Timestamp = auditEvent.Timestamp.ToUniversalTime(),
        Type = Bound(auditEvent.Type)!,
        ClientId = Text(auditEvent.Actor.ClientId),
        Subject = Pseudonymize(auditEvent.Actor.Subject),
        TenantId = Text(auditEvent.Actor.TenantId),
        SourceAddress = Pseudonymize(auditEvent.SourceAddress),
        RequestId = Text(auditEvent.RequestId),
        Route = Text(WithoutQuery(auditEvent.Route)),
        Outcome = Bound(auditEvent.Outcome)!,
        Reason = Text(auditEvent.Reason),
        Details = auditEvent.Details is { Count: > 0 } details ? JsonSerializer.Serialize(RedactDetails(details), SerializerOptions) : null,
        IngestedAt = ingestedAt,
    };

    /// <summary>The stored form of a personal value, so that a query can look it up without storing it in clear.</summary>
    public string? Pseudonymize(string? value) => value is null ? null : Pseudonym(Bound(value)!);

    private SortedDictionary<string, string> RedactDetails(IReadOnlyDictionary<string, string> details)
    {
        var redacted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in details)
        {
            var safeKey = Bound(key)!;
            redacted[safeKey] = IsCredentialKey(safeKey) ? eraser.Redact(value)
                : PersonalKeys.Contains(safeKey) ? Pseudonym(Bound(value)!)
                : Text(value) ?? string.Empty;
        }

        return redacted;
    }

    private string Pseudonym(string value)
    {
        if (pseudonyms.TryGetValue(value, out var pseudonym))
        {
            return pseudonym;
        }

        if (pseudonyms.Count >= MaxCachedPseudonyms)
        {
            pseudonyms.Clear();
        }

        return pseudonyms.GetOrAdd(value, computePseudonym);
    }

    /// <summary>Free text: erased whole when it carries something credential-shaped, bounded otherwise.</summary>
    private string? Text(string? value) =>
        value is null ? null : LooksLikeCredential(value) ? eraser.Redact(value) : Bound(value);

    private string? Bound(string? value)
    {
        if (value is null)
        {
            return null;
        }

        // PostgreSQL text cannot hold NUL, which JSON can carry as an escape; one such character must not make an event
        // unstorable and block the stream. (Lone surrogates never get this far: the JSON reader refuses them, so such an
        // entry is dead-lettered.)
        var clean = value.Contains('\0', StringComparison.Ordinal) ? value.Replace("\0", string.Empty, StringComparison.Ordinal) : value;
        return clean.Length <= maxFieldLength ? clean : clean[..maxFieldLength];
    }

    private static bool IsCredentialKey(string key)
    {
        var lower = key.ToLowerInvariant();
        if (lower is "jti" or "token_type" || lower.EndsWith("_hash", StringComparison.Ordinal) || lower.EndsWith("_id", StringComparison.Ordinal))
        {
            return false;
        }

        return CredentialKeyParts.Any(part => lower.Contains(part, StringComparison.Ordinal));
    }

    internal static bool LooksLikeCredential(string value) =>
        JwtLike().IsMatch(value)
        || value.Contains(ApiKeys.Prefix, StringComparison.Ordinal)
        || AuthorizationScheme().IsMatch(value);

    private static string? WithoutQuery(string? route)
    {
        var end = route?.IndexOfAny(['?', '#']) ?? -1;
        return end < 0 ? route : route![..end];
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.?[A-Za-z0-9_-]*")]
    private static partial Regex JwtLike();

    [GeneratedRegex(@"\b(Bearer|Basic|DPoP)\s+[A-Za-z0-9._~+/=-]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationScheme();
}
