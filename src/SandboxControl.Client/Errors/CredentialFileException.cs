namespace SandboxControl.Client.Errors;

/// <summary>A certificate, key or CA bundle file is missing, unreadable or not PEM.</summary>
public sealed class CredentialFileException : SandboxControlException
{
    public CredentialFileException()
    {
    }

    public CredentialFileException(string message)
        : base(message)
    {
    }

    public CredentialFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
