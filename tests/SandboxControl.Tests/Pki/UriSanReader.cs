using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.Tests.Pki;

/// <summary>Reads the [6] uniformResourceIdentifier entries of a SAN extension (.NET has no accessor for them).</summary>
internal static class UriSanReader
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    internal static IReadOnlyList<string> Read(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[SubjectAlternativeNameOid];
        if (extension is null)
        {
            return [];
        }

        var uris = new List<string>();
        var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        while (names.HasData)
        {
            if (names.PeekTag() == UriTag)
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return uris;
    }
}
