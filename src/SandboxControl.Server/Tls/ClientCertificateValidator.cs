using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Metrics;

namespace SandboxControl.Server.Tls;

/// <summary>
/// Decides at the TLS handshake whether a client certificate is acceptable at all. Kestrel lets this
/// callback alone decide. The chain itself was already built by SslStream with our policy
/// (<see cref="TlsMaterial.CreateClientChainPolicy"/>: our CAs only, clientAuth, no downloads), so
/// its verdict is used rather than building the same chain a second time on every handshake.
/// </summary>
internal sealed class ClientCertificateValidator(ControlPlaneMetrics metrics, ILogger<ClientCertificateValidator> logger)
{
    public bool Validate(X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Refuse("-", "no client certificate");
            return false;
        }

        var reason = FindProblem(certificate, chain, errors);
        if (reason is null)
        {
            return true;
        }

        Refuse(certificate.SerialNumber, reason);
        return false;
    }

    private static string? FindProblem(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
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

        // Fail closed on any chain error, and on a missing chain: nothing is accepted unverified.
        if (errors != SslPolicyErrors.None || chain is null)
        {
            var flags = X509ChainStatusFlags.NoError;
            foreach (var status in chain?.ChainStatus ?? [])
            {
                flags |= status.Status;
            }

            return "chain validation failed: " + (flags == X509ChainStatusFlags.NoError ? errors.ToString() : flags.ToString());
        }

        return null;
    }

    private void Refuse(string serialNumber, string reason)
    {
        Log.HandshakeRefused(logger, serialNumber, reason);
        metrics.HandshakeRefused(reason.StartsWith("chain validation failed", StringComparison.Ordinal) ? "chain validation failed" : reason);
    }
}
