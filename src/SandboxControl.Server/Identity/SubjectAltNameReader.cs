using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Server.Identity;

/// <summary>
/// Reads the uniformResourceIdentifier entries of a certificate's SAN extension. .NET has no URI SAN
/// accessor, and AuthContext does not carry them, so we decode the GeneralNames ourselves.
/// </summary>
internal static class SubjectAltNameReader
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The URI SANs, or null if the extension is present but not valid DER.</summary>
    public static IReadOnlyList<string>? ReadUris(X509Certificate2 certificate)
    {
        List<string> uris = [];
        var extensions = 0;
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            // Two SAN extensions would let two parsers disagree on the identity.
            if (++extensions > 1)
            {
                return null;
            }

            if (!TryReadUris(extension.RawData, uris))
            {
                return null;
            }
        }

        return uris;
    }

    private static bool TryReadUris(byte[] der, List<string> uris)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(UriTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }

            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
