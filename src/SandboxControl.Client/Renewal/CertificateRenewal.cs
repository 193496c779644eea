using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Client.Credentials;
using SandboxControl.V1;
using ControlClient = SandboxControl.V1.SandboxControl.SandboxControlClient;

namespace SandboxControl.Client.Renewal;

/// <summary>
/// One renewal: a new key generated here, a CSR carrying only its public half, and checks that what the
/// server returns is a certificate for that key, for our own identity, from a CA we trust.
/// </summary>
internal static class CertificateRenewal
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <returns>The new certificate with its private key; the key exists only in this process.</returns>
    public static async Task<X509Certificate2> RequestAsync(
        ControlClient client, ClientCredentials current, DateTime now, DateTime deadline, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest(new X500DistinguishedName("CN=" + current.Identity.SandboxId), key, HashAlgorithmName.SHA256)
            .CreateSigningRequestPem();
        var response = await client.RenewSandboxCertificateAsync(
            new RenewSandboxCertificateRequest { SandboxId = current.Identity.SandboxId, CsrPem = csr },
            deadline: deadline,
            cancellationToken: cancellationToken).ConfigureAwait(false);

        using var issued = Parse(response.CertificatePem);
        if (!issued.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            throw new InvalidDataException($"the renewed certificate {issued.SerialNumber} is not for the key this client generated");
        }

        if (SandboxIdentity.FromCertificate(issued) != current.Identity)
        {
            throw new InvalidDataException($"the renewed certificate {issued.SerialNumber} names another identity");
        }

        if (!ChainsToTrustedCa(issued, response.IssuingCaPem, current.TrustedCas))
        {
            throw new InvalidDataException($"the renewed certificate {issued.SerialNumber} does not chain to the CA bundle as a client certificate");
        }

        // The chain check ignores validity times (the server's clock sets NotBefore); these bound them.
        var notBefore = issued.NotBefore.ToUniversalTime();
        var notAfter = issued.NotAfter.ToUniversalTime();
        if (notBefore > now + ClockSkew || notAfter <= now || notAfter <= notBefore)
        {
            throw new InvalidDataException($"the renewed certificate {issued.SerialNumber} is not valid now ({notBefore:O} - {notAfter:O})");
        }

        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Parse(string pem)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException("the server returned an unparsable certificate", ex);
        }
    }

    private static bool ChainsToTrustedCa(X509Certificate2 issued, string issuingCaPem, X509Certificate2Collection trustedCas)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthOid));
        // The server's clock sets NotBefore; a client a second behind must not refuse a fresh certificate.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        var intermediates = new X509Certificate2Collection();
        try
        {
            if (!string.IsNullOrEmpty(issuingCaPem))
            {
                intermediates.ImportFromPem(issuingCaPem);
                chain.ChainPolicy.ExtraStore.AddRange(intermediates);
            }

            return chain.Build(issued);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            foreach (var certificate in intermediates)
            {
                certificate.Dispose();
            }
        }
    }
}
