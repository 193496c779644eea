using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Server.Identity;

/// <summary>
/// Turns a verified client certificate into a caller identity. Only the single SPIFFE URI SAN counts;
/// the CN and DNS SANs are ignored so a certificate cannot name a second, different caller.
/// </summary>
internal static class CertificateIdentityReader
{
    public static CertificateIdentity Read(X509Certificate2 certificate, string trustDomain)
    {
        var serial = certificate.SerialNumber;
        var uris = SubjectAltNameReader.ReadUris(certificate);
        if (uris is null)
        {
            return CertificateIdentity.Fail(serial, "unreadable subject alternative name");
        }

        if (uris.Count == 0)
        {
            return CertificateIdentity.Fail(serial, "no URI SAN");
        }

        // SPIFFE X.509-SVID: exactly one URI SAN; two would let a certificate speak for two callers.
        if (uris.Count > 1)
        {
            return CertificateIdentity.Fail(serial, "more than one URI SAN");
        }

        if (CertificateRules.IsCertificateAuthority(certificate))
        {
            return CertificateIdentity.Fail(serial, "CA certificate used as a client identity");
        }

        var parsed = SpiffeIdParser.Parse(uris[0], trustDomain);
        if (!parsed.Succeeded)
        {
            return CertificateIdentity.Fail(serial, parsed.FailureReason!);
        }

        var caller = new CallerIdentity(
            parsed.Kind,
            parsed.Name!,
            serial,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        return new CertificateIdentity(serial, caller, null);
    }
}
