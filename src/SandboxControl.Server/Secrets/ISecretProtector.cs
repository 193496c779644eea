namespace SandboxControl.Server.Secrets;

/// <summary>
/// Authenticated encryption for values kept at rest (provider credentials). The associated data is not stored:
/// it binds a ciphertext to its owner, so a blob copied to another owner fails to decrypt.
/// </summary>
internal interface ISecretProtector
{
    /// <summary>Encrypts <paramref name="plaintext"/>; every call uses a fresh nonce.</summary>
    byte[] Protect(ReadOnlySpan<byte> plaintext, string associatedData);

    /// <summary>Decrypts data from <see cref="Protect"/>; throws <see cref="SecretDecryptionException"/> on any mismatch.</summary>
    byte[] Unprotect(ReadOnlySpan<byte> protectedData, string associatedData);
}
