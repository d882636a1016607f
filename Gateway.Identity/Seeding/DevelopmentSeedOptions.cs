using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.Seeding;

/// <summary>
/// The <c>DevelopmentSeed</c> section, read only in the Development environment: the secrets and passwords of the
/// development clients and users (docs/identity.md, Development seed). Production configuration never has it.
/// </summary>
internal sealed class DevelopmentSeedOptions
{
    public const string SectionName = "DevelopmentSeed";

    [Required]
    public string ServiceClientSecret { get; set; } = string.Empty;

    [Required]
    public string AdminClientSecret { get; set; } = string.Empty;

    [Required]
    public string AlicePassword { get; set; } = string.Empty;

    [Required]
    public string BobPassword { get; set; } = string.Empty;

    /// <summary>The secret of the development agents (token exchange); none are created without it.</summary>
    public string AgentClientSecret { get; set; } = string.Empty;
}
