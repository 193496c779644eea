namespace SandboxControl.Client.Errors;

/// <summary>This sandbox's certificate is outside its validity period (by this machine's clock); renew it or replace the files.</summary>
public sealed class CertificateExpiredException : SandboxControlException
{
    public CertificateExpiredException()
    {
    }

    public CertificateExpiredException(string message)
        : base(message)
    {
    }

    public CertificateExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
