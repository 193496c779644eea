namespace SandboxControl.Client.Errors;

/// <summary>The private key file is not the key of the certificate file (a wrong file, or a rotation caught half-way).</summary>
public sealed class KeyMismatchException : SandboxControlException
{
    public KeyMismatchException()
    {
    }

    public KeyMismatchException(string message)
        : base(message)
    {
    }

    public KeyMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
