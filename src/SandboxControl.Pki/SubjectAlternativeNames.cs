using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Pki;

/// <summary>
/// Encodes the subjectAltName extension by hand: <see cref="SubjectAlternativeNameBuilder"/> takes
/// URIs as <see cref="Uri"/>, which normalizes them, and defect tests need the bytes exactly as given.
/// </summary>
internal static class SubjectAlternativeNames
{
    private const string ExtensionOid = "2.5.29.17";
    private static readonly Asn1Tag DnsNameTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag IpAddressTag = new(TagClass.ContextSpecific, 7);

    /// <summary>Returns the extension, or <see langword="null"/> when there are no names.</summary>
    internal static X509Extension? Build(
        IReadOnlyList<string> uris, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> ipAddresses, bool critical)
    {
        if (uris.Count == 0 && dnsNames.Count == 0 && ipAddresses.Count == 0)
        {
            return null;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var uri in uris)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, UriTag);
            }

            foreach (var dnsName in dnsNames)
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, dnsName, DnsNameTag);
            }

            foreach (var ipAddress in ipAddresses)
            {
                writer.WriteOctetString(ipAddress.GetAddressBytes(), IpAddressTag);
            }
        }

        return new X509Extension(ExtensionOid, writer.Encode(), critical);
    }
}
