using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Pki;

/// <summary>A CA certificate with its private key, issuing ECDSA P-256 certificates.</summary>
/// <remarks>Issuance is thread-safe. Issued certificates with keys are usable by <c>SslStream</c> on Linux as they are.</remarks>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>Tolerates clock skew between machines; never applied to client certificates (see <see cref="LeafCertificateSpec.NotBefore"/>).</summary>
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, including its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a self-signed ECDSA P-256 root CA valid from five minutes ago for <paramref name="lifetime"/>.</summary>
    /// <param name="commonName">Subject common name.</param>
    /// <param name="lifetime">Validity from now.</param>
    public static CertificateAuthority CreateRoot(string commonName, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = CertificateFactory.Name(commonName);
        var now = CertificateFactory.UtcNowWholeSeconds();
        using var certificate = CertificateFactory.Create(
            subject, new PublicKey(key), subject, X509SignatureGenerator.CreateForECDsa(key), authorityKeyIdentifier: null,
            CertificateFactory.CertificateAuthorityExtensions(), now - Backdate, now + lifetime);
        return new CertificateAuthority(certificate.CopyWithPrivateKey(key));
    }

    /// <summary>Creates an ECDSA P-256 intermediate CA signed by this CA.</summary>
    /// <param name="commonName">Subject common name.</param>
    /// <param name="lifetime">Validity from now (backdated five minutes).</param>
    public CertificateAuthority CreateIntermediate(string commonName, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = CertificateFactory.UtcNowWholeSeconds();
        using var certificate = Sign(
            CertificateFactory.Name(commonName), new PublicKey(key), CertificateFactory.CertificateAuthorityExtensions(), now - Backdate, now + lifetime);
        return new CertificateAuthority(certificate.CopyWithPrivateKey(key));
    }

    /// <summary>Loads a CA from a PEM certificate and a PEM private key (ECDSA or RSA).</summary>
    /// <param name="certificatePemPath">PEM certificate file.</param>
    /// <param name="privateKeyPemPath">PEM private key file (PKCS#8, SEC1 or PKCS#1, unencrypted).</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file cannot be parsed, the key does not match, or the certificate is not a CA.</exception>
    public static CertificateAuthority Load(string certificatePemPath, string privateKeyPemPath)
    {
        var certificate = PemFiles.LoadCertificateWithKey(certificatePemPath, privateKeyPemPath);
        var basicConstraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (basicConstraints is not { CertificateAuthority: true })
        {
            certificate.Dispose();
            throw new InvalidDataException($"The certificate in '{certificatePemPath}' is not a CA certificate (basicConstraints cA=true is missing).");
        }

        return new CertificateAuthority(certificate);
    }

    /// <summary>Writes the CA certificate (mode 0644) and its PKCS#8 private key (created with mode 0600).</summary>
    /// <param name="certificatePemPath">Destination of the PEM certificate.</param>
    /// <param name="privateKeyPemPath">Destination of the PEM private key.</param>
    public void Save(string certificatePemPath, string privateKeyPemPath)
    {
        PemFiles.WriteCertificate(certificatePemPath, Certificate);
        PemFiles.WritePrivateKey(privateKeyPemPath, Certificate);
    }

    /// <summary>Issues a TLS server certificate (EKU serverAuth, DNS and IP SANs), valid from five minutes ago.</summary>
    /// <param name="dnsNames">DNS names; the first is also the common name.</param>
    /// <param name="ipAddresses">IP addresses.</param>
    /// <param name="lifetime">Validity from now.</param>
    public X509Certificate2 IssueServerCertificate(
        IReadOnlyCollection<string> dnsNames, IReadOnlyCollection<IPAddress> ipAddresses, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ipAddresses);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        if (dnsNames.Count == 0 && ipAddresses.Count == 0)
        {
            throw new ArgumentException("A server certificate needs at least one DNS name or IP address.", nameof(dnsNames));
        }

        var notBefore = CertificateFactory.UtcNowWholeSeconds() - Backdate;
        return Issue(new LeafCertificateSpec
        {
            CommonName = dnsNames.FirstOrDefault() ?? "sandboxcontrol-server",
            DnsSans = [.. dnsNames],
            IpSans = [.. ipAddresses],
            ExtendedKeyUsageOids = [Oids.ServerAuth],
            NotBefore = notBefore,
            NotAfter = notBefore + Backdate + lifetime,
        });
    }

    /// <summary>Issues a sandbox client certificate whose only URI SAN is <c>spiffe://{trustDomain}/sandbox/{sandboxId}</c>.</summary>
    /// <param name="trustDomain">Lowercase trust domain.</param>
    /// <param name="sandboxId">Sandbox id matching <c>^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$</c>.</param>
    /// <param name="lifetime">Validity from now (not backdated); 24 hours by default.</param>
    /// <exception cref="ArgumentException">The trust domain or id is malformed.</exception>
    public X509Certificate2 IssueSandboxCertificate(string trustDomain, string sandboxId, TimeSpan? lifetime = null)
    {
        IdentifierRules.ThrowIfInvalidTrustDomain(trustDomain, nameof(trustDomain));
        IdentifierRules.ThrowIfInvalidId(sandboxId, nameof(sandboxId));
        return IssueClient(sandboxId, SpiffeIds.ForSandbox(trustDomain, sandboxId), lifetime ?? TimeSpan.FromHours(24));
    }

    /// <summary>Issues an operator client certificate whose only URI SAN is <c>spiffe://{trustDomain}/operator/{operatorName}</c>.</summary>
    /// <param name="trustDomain">Lowercase trust domain.</param>
    /// <param name="operatorName">Operator name matching <c>^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$</c>.</param>
    /// <param name="lifetime">Validity from now (not backdated); 30 days by default.</param>
    /// <exception cref="ArgumentException">The trust domain or name is malformed.</exception>
    public X509Certificate2 IssueOperatorCertificate(string trustDomain, string operatorName, TimeSpan? lifetime = null)
    {
        IdentifierRules.ThrowIfInvalidTrustDomain(trustDomain, nameof(trustDomain));
        IdentifierRules.ThrowIfInvalidId(operatorName, nameof(operatorName));
        return IssueClient(operatorName, SpiffeIds.ForOperator(trustDomain, operatorName), lifetime ?? TimeSpan.FromDays(30));
    }

    /// <summary>Issues a certificate for a new ECDSA P-256 key exactly as <paramref name="spec"/> says, without validating it.</summary>
    /// <param name="spec">The certificate's contents.</param>
    /// <returns>The certificate with its private key.</returns>
    public X509Certificate2 Issue(LeafCertificateSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = IssueFor(spec, new PublicKey(key));
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Signs <paramref name="publicKey"/> into a certificate as <paramref name="spec"/> says (CSR signing).</summary>
    /// <param name="spec">The certificate's contents.</param>
    /// <param name="publicKey">The subject's key; only its public part is used.</param>
    /// <returns>The certificate, without a private key.</returns>
    public X509Certificate2 Issue(LeafCertificateSpec spec, ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(publicKey);
        return IssueFor(spec, new PublicKey(publicKey));
    }

    /// <summary>Signs a validated CSR's public key (RSA or ECDSA) into a certificate as <paramref name="spec"/> says.</summary>
    /// <param name="spec">The certificate's contents, chosen by the issuer, never by the request.</param>
    /// <param name="publicKey">The subject's public key, e.g. from <see cref="CertificateSigningRequests.Validate"/>.</param>
    /// <returns>The certificate, without a private key.</returns>
    public X509Certificate2 Issue(LeafCertificateSpec spec, PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(publicKey);
        return IssueFor(spec, publicKey);
    }

    /// <summary>Issues a sandbox client certificate for a public key from a CSR: one URI SAN, clientAuth, server-chosen lifetime.</summary>
    /// <param name="trustDomain">Lowercase trust domain.</param>
    /// <param name="sandboxId">Sandbox id.</param>
    /// <param name="publicKey">The sandbox's public key; its private key never leaves the sandbox.</param>
    /// <param name="lifetime">Validity from now (not backdated).</param>
    /// <returns>The certificate, without a private key.</returns>
    public X509Certificate2 IssueSandboxCertificate(string trustDomain, string sandboxId, PublicKey publicKey, TimeSpan lifetime)
    {
        IdentifierRules.ThrowIfInvalidTrustDomain(trustDomain, nameof(trustDomain));
        IdentifierRules.ThrowIfInvalidId(sandboxId, nameof(sandboxId));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        return Issue(new LeafCertificateSpec { CommonName = sandboxId, UriSans = [SpiffeIds.ForSandbox(trustDomain, sandboxId)], Lifetime = lifetime }, publicKey);
    }

    /// <summary>Disposes the CA certificate and its key.</summary>
    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 IssueClient(string commonName, string spiffeId, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        return Issue(new LeafCertificateSpec { CommonName = commonName, UriSans = [spiffeId], Lifetime = lifetime });
    }

    private X509Certificate2 IssueFor(LeafCertificateSpec spec, PublicKey subjectPublicKey)
    {
        var notBefore = spec.NotBefore ?? CertificateFactory.UtcNowWholeSeconds();
        var notAfter = spec.NotAfter ?? notBefore + spec.Lifetime;
        var subject = CertificateFactory.Name(spec.CommonName);
        var extensions = new List<X509Extension>
        {
            new X509BasicConstraintsExtension(spec.IsCertificateAuthority, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true),
        };
        if (spec.KeyUsage != X509KeyUsageFlags.None)
        {
            extensions.Add(new X509KeyUsageExtension(spec.KeyUsage, critical: true));
        }

        if (spec.ExtendedKeyUsageOids.Count > 0)
        {
            var usages = new OidCollection();
            foreach (var oid in spec.ExtendedKeyUsageOids)
            {
                usages.Add(new Oid(oid));
            }

            extensions.Add(new X509EnhancedKeyUsageExtension(usages, critical: false));
        }

        // RFC 5280 4.2.1.6: with an empty subject the SAN must be critical.
        var subjectAlternativeNames = SubjectAlternativeNames.Build(
            spec.UriSans, spec.DnsSans, spec.IpSans, critical: spec.CommonName.Length == 0);
        if (subjectAlternativeNames is not null)
        {
            extensions.Add(subjectAlternativeNames);
        }

        return Sign(subject, subjectPublicKey, extensions, notBefore, notAfter);
    }

    private X509Certificate2 Sign(
        X500DistinguishedName subject, PublicKey subjectPublicKey, IEnumerable<X509Extension> extensions, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var issuerKey = IssuerKey.From(Certificate);
        return CertificateFactory.Create(
            subject, subjectPublicKey, Certificate.SubjectName, issuerKey.Generator,
            CertificateFactory.AuthorityKeyIdentifier(Certificate), extensions, notBefore, notAfter);
    }
}
