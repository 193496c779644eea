using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Pki;

/// <summary>
/// Everything about one leaf certificate. <see cref="CertificateAuthority.Issue(LeafCertificateSpec)"/>
/// writes it as given, without validation, so tests can also build deliberately defective certificates.
/// </summary>
public sealed record LeafCertificateSpec
{
    /// <summary>Subject common name. Informational only: identity comes from the URI SAN. Empty means an empty subject (the SAN is then marked critical).</summary>
    public string CommonName { get; init; } = "sandboxcontrol-client";

    /// <summary>URI SANs, written byte-exact as IA5Strings (never normalized through <see cref="Uri"/>).</summary>
    public IReadOnlyList<string> UriSans { get; init; } = [];

    /// <summary>DNS name SANs.</summary>
    public IReadOnlyList<string> DnsSans { get; init; } = [];

    /// <summary>IP address SANs.</summary>
    public IReadOnlyList<IPAddress> IpSans { get; init; } = [];

    /// <summary>Extended key usage OIDs; an empty list omits the extension.</summary>
    public IReadOnlyList<string> ExtendedKeyUsageOids { get; init; } = [Oids.ClientAuth];

    /// <summary>Start of validity; <see langword="null"/> means now, truncated to whole seconds and not backdated.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>End of validity; <see langword="null"/> means <see cref="NotBefore"/> plus <see cref="Lifetime"/>.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Validity length used when <see cref="NotAfter"/> is <see langword="null"/>.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>When <see langword="true"/>, basicConstraints says cA=true (only for defect tests).</summary>
    public bool IsCertificateAuthority { get; init; }

    /// <summary>Key usage, written as a critical extension; <see cref="X509KeyUsageFlags.None"/> omits the extension.</summary>
    public X509KeyUsageFlags KeyUsage { get; init; } = X509KeyUsageFlags.DigitalSignature;
}
