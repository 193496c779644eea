using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Tls;

/// <summary>
/// One loaded generation of the server certificate context and client-trust CAs, immutable. The
/// context is built once per generation: without a reused SslStreamCertificateContext, a private-CA
/// server chain is rebuilt on every handshake. <see cref="TlsMaterialProvider"/> swaps generations.
/// </summary>
internal sealed class TlsMaterial
{
    public TlsMaterial(TlsOptions value)
    {
        ServerCertificate = X509Certificate2.CreateFromPemFile(value.ServerCertificatePath, value.ServerKeyPath);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(value.ServerCertificatePath);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain)
        {
            if (certificate.Thumbprint != ServerCertificate.Thumbprint)
            {
                intermediates.Add(certificate);
            }
        }

        ServerCertificateContext = SslStreamCertificateContext.Create(ServerCertificate, intermediates, offline: true);
        ClientCertificateAuthorities = new X509Certificate2Collection();
        ClientCertificateAuthorities.ImportFromPemFile(value.ClientCaPath);
    }

    public X509Certificate2 ServerCertificate { get; }

    public SslStreamCertificateContext ServerCertificateContext { get; }

    public X509Certificate2Collection ClientCertificateAuthorities { get; }

    /// <summary>
    /// The policy SslStream builds client chains with: only our CAs (never the system store), valid
    /// for clientAuth, no downloads from client-supplied AIA URLs (SSRF, handshake stalls), no online
    /// revocation (our deny list is checked per call instead). A fresh copy per handshake: it is mutable.
    /// </summary>
    public X509ChainPolicy CreateClientChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            DisableCertificateDownloads = true,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(ClientCertificateAuthorities);
        policy.ApplicationPolicy.Add(new Oid(CertificateRules.ClientAuthOid));
        return policy;
    }
}
