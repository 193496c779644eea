using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Pki;

/// <summary>Builds and signs certificates; shared by CA and leaf issuance.</summary>
internal static class CertificateFactory
{
    /// <summary>Whole-second "now": X.509 times have no fractions, so this is exactly what the certificate will say.</summary>
    internal static DateTimeOffset UtcNowWholeSeconds()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    internal static X500DistinguishedName Name(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        if (commonName.Length > 0)
        {
            builder.AddCommonName(commonName);
        }

        return builder.Build();
    }

    internal static IEnumerable<X509Extension> CertificateAuthorityExtensions()
    {
        yield return new X509BasicConstraintsExtension(
            certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true);
        yield return new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true);
    }

    /// <summary>AKI from the issuer's SKI (computed from its public key if the issuer has none).</summary>
    internal static X509Extension AuthorityKeyIdentifier(X509Certificate2 issuer)
    {
        var subjectKeyIdentifier = issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()
            ?? new X509SubjectKeyIdentifierExtension(issuer.PublicKey, critical: false);
        return X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyIdentifier);
    }

    /// <summary>
    /// Signs a certificate with a random serial. Uses the issuer-name overload of
    /// <see cref="CertificateRequest.Create(X500DistinguishedName, X509SignatureGenerator, DateTimeOffset, DateTimeOffset, ReadOnlySpan{byte})"/>
    /// because the issuer-certificate overload refuses validity outside the issuer's, which expired-certificate tests need.
    /// </summary>
    internal static X509Certificate2 Create(
        X500DistinguishedName subject,
        PublicKey subjectPublicKey,
        X500DistinguishedName issuerName,
        X509SignatureGenerator signer,
        X509Extension? authorityKeyIdentifier,
        IEnumerable<X509Extension> extensions,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, subjectPublicKey, HashAlgorithmName.SHA256);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(subjectPublicKey, critical: false));
        if (authorityKeyIdentifier is not null)
        {
            request.CertificateExtensions.Add(authorityKeyIdentifier);
        }

        return request.Create(issuerName, signer, notBefore, notAfter, SerialNumbers.Create());
    }
}
