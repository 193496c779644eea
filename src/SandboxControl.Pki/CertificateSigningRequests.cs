using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Pki;

/// <summary>
/// Reads a PKCS#10 request and keeps only its public key. The subject, SANs and extensions a request
/// asks for are attacker-chosen and never copied into a certificate.
/// </summary>
public static class CertificateSigningRequests
{
    /// <summary>Largest PEM accepted; real requests are well under 4 KiB.</summary>
    public const int MaxPemLength = 16 * 1024;

    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaPublicKeyOid = "1.2.840.113549.1.1.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    /// <summary>Parses the request, verifies its self-signature and key strength, and returns its public key.</summary>
    /// <param name="pem">A PEM "CERTIFICATE REQUEST".</param>
    /// <returns>The requester's public key.</returns>
    /// <exception cref="CertificateRequestRejectedException">Malformed, badly signed, or a weak or unsupported key.</exception>
    public static PublicKey Validate(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Length > MaxPemLength)
        {
            throw new CertificateRequestRejectedException($"CSR exceeds {MaxPemLength} characters");
        }

        CertificateRequest request;
        try
        {
            // Default options verify the request's signature: proof that the requester holds the private key.
            request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException)
        {
            throw new CertificateRequestRejectedException("CSR is not a validly signed PKCS#10 request");
        }

        CheckKey(request.PublicKey);
        return request.PublicKey;
    }

    private static void CheckKey(PublicKey key)
    {
        switch (key.Oid.Value)
        {
            case EcPublicKeyOid:
                using (var ec = key.GetECDsaPublicKey())
                {
                    var curve = ec?.ExportParameters(includePrivateParameters: false).Curve.Oid.Value;
                    if (curve is not (P256Oid or P384Oid))
                    {
                        throw new CertificateRequestRejectedException("CSR key must be ECDSA P-256 or P-384");
                    }
                }

                return;
            case RsaPublicKeyOid:
                using (var rsa = key.GetRSAPublicKey())
                {
                    if (rsa is null || rsa.KeySize < 2048)
                    {
                        throw new CertificateRequestRejectedException("CSR RSA key must be at least 2048 bits");
                    }
                }

                return;
            default:
                throw new CertificateRequestRejectedException("CSR key must be ECDSA P-256/P-384 or RSA >= 2048");
        }
    }
}
