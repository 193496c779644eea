using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Client.Connection;

/// <summary>
/// TLS settings of one connection generation: offer exactly our certificate; trust the server only if
/// it chains to the configured CA bundle (no system roots: a public CA must not vouch for the control
/// plane), with no AIA downloads and no online revocation fetches.
/// </summary>
internal static class ServerTrust
{
    public static SslClientAuthenticationOptions Create(X509Certificate2 clientCertificate, X509Certificate2Collection trustedCas)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(trustedCas);
        return new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            // offline: never fetch our own chain from an AIA URL.
            ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, additionalCertificates: null, offline: true),
            CertificateChainPolicy = policy,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                errors == SslPolicyErrors.None && certificate is not null && EndsAtTrustedCa(chain, trustedCas),
        };
    }

    // Belt and braces: the chain policy already restricts roots; a root outside the bundle must never pass.
    private static bool EndsAtTrustedCa(X509Chain? chain, X509Certificate2Collection trustedCas)
    {
        if (chain is null || chain.ChainElements.Count == 0)
        {
            return false;
        }

        var root = chain.ChainElements[^1].Certificate;
        return trustedCas.Any(ca => ca.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span));
    }
}
