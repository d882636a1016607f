using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace AgentCore.Gateway.Identity.Federation;

/// <summary>
/// The <c>Identity:Federation</c> section: the outside OpenID Connect providers whose users may sign in here. Each is
/// bound to a tenant; the gateway still issues its own tokens, with the tenant and roles the mapping gives.
/// </summary>
internal sealed partial class FederationOptions : IValidatableObject
{
    public const string SectionName = "Identity:Federation";

    /// <summary>Providers by name; the name appears in URLs and account names. Default: none.</summary>
    public Dictionary<string, OidcProviderOptions> OidcProviders { get; init; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, provider) in OidcProviders)
        {
            if (!ProviderName().IsMatch(name))
            {
                yield return new ValidationResult($"The provider name '{name}' must be lower-case letters, digits and dashes (it is part of the callback URL).");
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(provider, new ValidationContext(provider), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"{SectionName}:OidcProviders:{name}: {result.ErrorMessage}", result.MemberNames);
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex ProviderName();
}
