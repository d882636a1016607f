namespace AgentCore.Gateway.Identity.SigningKeys;

/// <summary>An RSA key of the token service, its private part protected by ASP.NET Data Protection.</summary>
internal sealed class StoredSigningKey
{
    public const string SignatureUse = "sig";
    public const string EncryptionUse = "enc";

    /// <summary>The key id (<c>kid</c>).</summary>
    public required string Id { get; set; }

    /// <summary><see cref="SignatureUse"/> or <see cref="EncryptionUse"/>.</summary>
    public required string Use { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>From when the key signs; until then it is only published, so validators learn it first.</summary>
    public DateTimeOffset ActivatesAt { get; set; }

    /// <summary>When its successor took over signing; null while it is the newest key.</summary>
    public DateTimeOffset? RetiresAt { get; set; }

    /// <summary>The PKCS#8 private key, protected with Data Protection and base64-encoded.</summary>
    public required string ProtectedPrivateKey { get; set; }
}
