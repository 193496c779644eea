namespace SandboxControl.Pki;

/// <summary>A private key file that is not the key of the certificate it was given with (a half-rotated pair, a wrong file).</summary>
public sealed class PrivateKeyMismatchException : IOException
{
    public PrivateKeyMismatchException()
    {
    }

    public PrivateKeyMismatchException(string message)
        : base(message)
    {
    }

    public PrivateKeyMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
