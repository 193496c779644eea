using SandboxControl.Client.Errors;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;

namespace SandboxControl.Client.Credentials;

/// <summary>The sandbox a certificate speaks for: its single URI SAN <c>spiffe://{TrustDomain}/sandbox/{SandboxId}</c>.</summary>
/// <param name="TrustDomain">The SPIFFE trust domain.</param>
/// <param name="SandboxId">The sandbox id, filled into every request's <c>sandbox_id</c>.</param>
public sealed record SandboxIdentity(string TrustDomain, string SandboxId)
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string Scheme = "spiffe://";
    private const string SandboxPath = "/sandbox/";
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The SPIFFE ID.</summary>
    public string SpiffeId => SpiffeIds.ForSandbox(TrustDomain, SandboxId);

    /// <summary>Reads the identity the way the server does: exactly one URI SAN, a sandbox path, valid syntax.</summary>
    /// <param name="certificate">A sandbox client certificate.</param>
    /// <exception cref="NotSandboxCertificateException">The certificate does not name exactly one sandbox.</exception>
    public static SandboxIdentity FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var uris = ReadUriSans(certificate);
        if (uris.Count != 1)
        {
            throw new NotSandboxCertificateException($"certificate {certificate.SerialNumber} is not a sandbox certificate: it must have exactly one URI SAN (it has {uris.Count})");
        }

        var uri = uris[0];
        var pathStart = uri.StartsWith(Scheme, StringComparison.Ordinal) ? uri.IndexOf('/', Scheme.Length) : -1;
        var trustDomain = pathStart < 0 ? "" : uri[Scheme.Length..pathStart];
        var path = pathStart < 0 ? "" : uri[pathStart..];
        var id = path.StartsWith(SandboxPath, StringComparison.Ordinal) ? path[SandboxPath.Length..] : "";
        if (!IdentifierRules.IsValidTrustDomain(trustDomain) || !IdentifierRules.IsValidId(id))
        {
            throw new NotSandboxCertificateException($"certificate {certificate.SerialNumber} is not a sandbox certificate (expected spiffe://<trust-domain>/sandbox/<id>)");
        }

        return new SandboxIdentity(trustDomain, id);
    }

    private static List<string> ReadUriSans(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (names.HasData)
                {
                    if (names.PeekTag().HasSameClassAndValue(UriTag))
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (Exception ex) when (ex is AsnContentException or CryptographicException)
            {
                throw new InvalidDataException($"certificate {certificate.SerialNumber} has a malformed subjectAltName", ex);
            }
        }

        return uris;
    }
}
