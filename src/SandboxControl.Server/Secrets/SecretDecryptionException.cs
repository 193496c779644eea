namespace SandboxControl.Server.Secrets;

/// <summary>
/// Protected data could not be decrypted: tampered, truncated, unknown format, wrong key or wrong associated data.
/// Deliberately carries no data and no inner exception, so nothing about the secret or key reaches a log.
/// </summary>
internal sealed class SecretDecryptionException : Exception
{
    private const string DefaultMessage = "The protected data could not be decrypted.";

    public SecretDecryptionException()
        : base(DefaultMessage)
    {
    }

    public SecretDecryptionException(string message)
        : base(message)
    {
    }

    public SecretDecryptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
