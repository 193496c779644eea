using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Client.Credentials;

/// <summary>The public facts of the certificate in use; never its key.</summary>
/// <param name="SerialNumber">Hex serial, as the server's deny list expects it.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="Thumbprint">SHA-1 thumbprint, to tell certificates apart in logs.</param>
public sealed record CertificateInfo(string SerialNumber, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Thumbprint)
{
    internal static CertificateInfo From(X509Certificate2 certificate) => new(
        certificate.SerialNumber,
        new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
        new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        certificate.Thumbprint);
}
