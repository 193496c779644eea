using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Metrics;

namespace SandboxControl.Server.Tls;

/// <summary>
/// Decides at the TLS handshake whether a client certificate is acceptable at all. Kestrel lets this
/// callback alone decide, so it builds the chain itself against the configured CAs only.
/// </summary>
internal sealed class ClientCertificateValidator(TimeProvider time, ControlPlaneMetrics metrics, ILogger<ClientCertificateValidator> logger)
{
    private static readonly Oid ClientAuth = new(CertificateRules.ClientAuthOid);

    public bool Validate(TlsMaterial material, X509Certificate2? certificate, X509Chain? presentedChain)
    {
        if (certificate is null)
        {
            Log.HandshakeRefused(logger, "-", "no client certificate");
            metrics.HandshakeRefused("no client certificate");
            return false;
        }

        var reason = FindProblem(material, certificate, presentedChain);
        if (reason is null)
        {
            return true;
        }

        Log.HandshakeRefused(logger, certificate.SerialNumber, reason);
        metrics.HandshakeRefused(reason.StartsWith("chain validation failed", StringComparison.Ordinal) ? "chain validation failed" : reason);
        return false;
    }

    private string? FindProblem(TlsMaterial material, X509Certificate2 certificate, X509Chain? presentedChain)
    {
        // Require an explicit clientAuth EKU: a certificate without EKU is valid for everything.
        if (!CertificateRules.HasClientAuthUsage(certificate))
        {
            return "not a clientAuth certificate";
        }

        if (CertificateRules.IsCertificateAuthority(certificate))
        {
            return "CA certificate presented as a client certificate";
        }

        using var chain = new X509Chain();
        // Only our CAs (never the system store); no downloads from client-supplied AIA URLs (SSRF,
        // stalls); no online revocation — our deny list is checked per call instead.
        var policy = material.CreateClientChainPolicy();
        chain.ChainPolicy = policy;
        policy.ApplicationPolicy.Add(ClientAuth);
        policy.VerificationTime = time.GetUtcNow().UtcDateTime;
        policy.VerificationTimeIgnored = false;
        if (presentedChain is not null)
        {
            foreach (var extra in presentedChain.ChainPolicy.ExtraStore)
            {
                if (!CertificateRules.IsSameCertificate(extra, certificate))
                {
                    policy.ExtraStore.Add(extra);
                }
            }
        }

        try
        {
            if (chain.Build(certificate))
            {
                return null;
            }

            var flags = X509ChainStatusFlags.NoError;
            foreach (var status in chain.ChainStatus)
            {
                flags |= status.Status;
            }

            return "chain validation failed: " + flags;
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate) && !material.ClientCertificateAuthorities.Contains(element.Certificate))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }
}
