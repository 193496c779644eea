using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

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

    /// <summary>Our CAs only, no downloads, no online revocation. A fresh policy per use: it is mutable.</summary>
    public X509ChainPolicy CreateClientChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            DisableCertificateDownloads = true,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(ClientCertificateAuthorities);
        return policy;
    }
}
