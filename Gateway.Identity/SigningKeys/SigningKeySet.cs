using Microsoft.IdentityModel.Tokens;

namespace AgentCore.Gateway.Identity.SigningKeys;

/// <summary>The keys in force: the one that signs first, then the others that are only published.</summary>
internal sealed record SigningKeySet(IReadOnlyList<SigningCredentials> Signing, IReadOnlyList<EncryptingCredentials> Encryption, string Fingerprint)
{
    public static readonly SigningKeySet Empty = new([], [], string.Empty);
}
