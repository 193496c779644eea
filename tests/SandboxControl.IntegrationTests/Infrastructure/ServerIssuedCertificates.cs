using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.V1;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>
/// Sandbox certificates the way production gets them: a key made here, a CSR, IssueSandboxCertificate by an issuer
/// operator. Only such (recorded) certificates are accepted unless a server accepts external certificates.
/// </summary>
public static class ServerIssuedCertificates
{
    public static async Task<X509Certificate2> IssueAsync(V1.SandboxControl.SandboxControlClient issuer, string sandboxId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=" + sandboxId, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var response = await issuer.IssueSandboxCertificateAsync(new IssueSandboxCertificateRequest { SandboxId = sandboxId, CsrPem = csr });
        using var certificate = X509Certificate2.CreateFromPem(response.CertificatePem);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Renews the calling sandbox's certificate through RenewSandboxCertificate, as the sandbox itself.</summary>
    public static async Task<X509Certificate2> RenewAsync(V1.SandboxControl.SandboxControlClient asSandbox, string sandboxId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=" + sandboxId, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var response = await asSandbox.RenewSandboxCertificateAsync(new RenewSandboxCertificateRequest { SandboxId = sandboxId, CsrPem = csr });
        using var certificate = X509Certificate2.CreateFromPem(response.CertificatePem);
        return certificate.CopyWithPrivateKey(key);
    }
}
