using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SandboxControl.Pki;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Issuance;

/// <summary>Signs sandbox public keys with the issuing CA. The SAN comes from the sandbox id, never from a CSR.</summary>
internal sealed class SandboxCertificateIssuer : IDisposable
{
    private readonly CertificateAuthority? _ca;
    private readonly string _trustDomain;
    private readonly TimeSpan _lifetime;

    public SandboxCertificateIssuer(IOptions<IssuanceOptions> issuance, IOptions<IdentityOptions> identity)
    {
        var options = issuance.Value;
        _trustDomain = identity.Value.TrustDomain;
        _lifetime = options.SandboxCertificateLifetime;
        if (options.IsConfigured)
        {
            _ca = CertificateAuthority.Load(options.CaCertificatePath!, options.CaKeyPath!);
            IssuingCaPem = _ca.Certificate.ExportCertificatePem();
        }
    }

    public bool IsConfigured => _ca is not null;

    public string IssuingCaPem { get; } = "";

    public X509Certificate2 Issue(string sandboxId, PublicKey publicKey) =>
        (_ca ?? throw new InvalidOperationException("certificate issuance is not configured"))
            .IssueSandboxCertificate(_trustDomain, sandboxId, publicKey, _lifetime);

    public void Dispose() => _ca?.Dispose();
}
