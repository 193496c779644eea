using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Server.Identity;

/// <summary>Certificate properties checked both at the TLS handshake and when reading an identity.</summary>
internal static class CertificateRules
{
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>True if the certificate may sign others: such a certificate is never a caller.</summary>
    public static bool IsCertificateAuthority(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509BasicConstraintsExtension { CertificateAuthority: true })
            {
                return true;
            }

            if (extension is X509KeyUsageExtension usage
                && (usage.KeyUsages & (X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign)) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An explicit EKU containing clientAuth: a certificate without EKU is not a client certificate here.</summary>
    public static bool HasClientAuthUsage(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku)
            {
                foreach (var oid in eku.EnhancedKeyUsages)
                {
                    if (oid.Value == ClientAuthOid)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    public static bool IsSameCertificate(X509Certificate2 a, X509Certificate2 b) => a.RawDataMemory.Span.SequenceEqual(b.RawDataMemory.Span);
}
