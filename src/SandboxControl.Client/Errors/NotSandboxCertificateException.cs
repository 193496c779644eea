namespace SandboxControl.Client.Errors;

/// <summary>The certificate does not name a sandbox (e.g. an operator's certificate): it needs exactly one URI SAN spiffe://&lt;trust-domain&gt;/sandbox/&lt;id&gt;.</summary>
public sealed class NotSandboxCertificateException : SandboxControlException
{
    public NotSandboxCertificateException()
    {
    }

    public NotSandboxCertificateException(string message)
        : base(message)
    {
    }

    public NotSandboxCertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
