namespace SandboxControl.Pki;

/// <summary>A certificate signing request that will not be signed; the message says why and is safe to show.</summary>
public sealed class CertificateRequestRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CertificateRequestRejectedException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    /// <param name="message">Why the request was refused.</param>
    public CertificateRequestRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and cause.</summary>
    /// <param name="message">Why the request was refused.</param>
    /// <param name="innerException">The cause.</param>
    public CertificateRequestRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
