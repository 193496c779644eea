using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.Tests.Pki;

public sealed class LeafCertificateSpecTests : IDisposable
{
    private readonly CertificateAuthority _root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(10));

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("spiffe://td/sandbox/../x")]
    [InlineData("spiffe://TD/sandbox/a")]
    [InlineData("spiffe://td/sandbox/a%2Fb")]
    [InlineData("spiffe://td/sandbox/a/")]
    [InlineData("spiffe://td./sandbox/a")]
    [InlineData("https://td/sandbox/a")]
    [InlineData("spiffe://td/sandbox/a", "spiffe://td/sandbox/b")]
    public void Issue_RawUris_WrittenByteExact(params string[] uris)
    {
        using var leaf = _root.Issue(new LeafCertificateSpec { UriSans = uris });

        Assert.Equal(uris, UriSanReader.Read(leaf));
    }

    [Fact]
    public void Issue_NoNames_OmitsSanExtension()
    {
        using var leaf = _root.Issue(new LeafCertificateSpec());

        Assert.Null(leaf.Extensions["2.5.29.17"]);
    }

    [Fact]
    public void Issue_ExpiredSpec_ExactValidityInThePast()
    {
        var notBefore = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var notAfter = new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero);

        using var leaf = _root.Issue(new LeafCertificateSpec { NotBefore = notBefore, NotAfter = notAfter });

        Assert.Equal(notBefore.UtcDateTime, leaf.NotBefore.ToUniversalTime());
        Assert.Equal(notAfter.UtcDateTime, leaf.NotAfter.ToUniversalTime());
        using var chain = ChainAssert.Build(leaf, _root.Certificate);
        Assert.True(ChainAssert.Status(chain).HasFlag(X509ChainStatusFlags.NotTimeValid));
    }

    [Fact]
    public void Issue_NotYetValidSpec_KeepsFutureNotBefore()
    {
        var notBefore = DateTimeOffset.UtcNow.AddDays(1);
        var wholeSeconds = notBefore.AddTicks(-(notBefore.Ticks % TimeSpan.TicksPerSecond));

        using var leaf = _root.Issue(new LeafCertificateSpec { NotBefore = wholeSeconds });

        Assert.Equal(wholeSeconds.UtcDateTime, leaf.NotBefore.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(24), leaf.NotAfter - leaf.NotBefore);
    }

    [Fact]
    public void Issue_HundredCertificates_SerialsPositiveSixteenBytesAndUnique()
    {
        var serials = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            using var leaf = _root.Issue(new LeafCertificateSpec(), _root.Certificate.GetECDsaPublicKey()!);
            var bytes = leaf.SerialNumberBytes.Span;
            Assert.Equal(16, bytes.Length);
            Assert.True(new BigInteger(bytes, isUnsigned: false, isBigEndian: true) > 0);
            Assert.True(serials.Add(leaf.SerialNumber));
        }
    }

    [Fact]
    public void Issue_DefaultSpec_CriticalCaFalseDigitalSignatureClientAuth()
    {
        using var leaf = _root.Issue(new LeafCertificateSpec());

        var basicConstraints = Assert.Single(leaf.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.False(basicConstraints.CertificateAuthority);
        Assert.True(basicConstraints.Critical);
        var keyUsage = Assert.Single(leaf.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, keyUsage.KeyUsages);
        Assert.True(keyUsage.Critical);
        var usages = Assert.Single(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages;
        Assert.Equal([Oids.ClientAuth], usages.Cast<Oid>().Select(oid => oid.Value));
        var authorityKeyId = Assert.Single(leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>()).KeyIdentifier;
        var issuerKeyId = Assert.Single(_root.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>()).SubjectKeyIdentifierBytes;
        Assert.Equal(issuerKeyId.ToArray(), authorityKeyId?.ToArray());
    }

    [Fact]
    public void Issue_CaSpec_BasicConstraintsCaTrue()
    {
        using var leaf = _root.Issue(new LeafCertificateSpec { IsCertificateAuthority = true });

        Assert.True(Assert.Single(leaf.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
    }

    [Fact]
    public void Issue_EmptyExtendedKeyUsages_OmitsExtension()
    {
        using var leaf = _root.Issue(new LeafCertificateSpec { ExtendedKeyUsageOids = [] });

        Assert.Empty(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>());
    }

    [Fact]
    public void Issue_GivenPublicKey_CertificateCarriesThatKeyWithoutPrivateKey()
    {
        using var subjectKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        using var leaf = _root.Issue(new LeafCertificateSpec { UriSans = ["spiffe://td/sandbox/a"] }, subjectKey);

        Assert.False(leaf.HasPrivateKey);
        using var certificateKey = leaf.GetECDsaPublicKey()!;
        Assert.Equal(subjectKey.ExportSubjectPublicKeyInfo(), certificateKey.ExportSubjectPublicKeyInfo());
        using var chain = ChainAssert.Build(leaf, _root.Certificate);
        Assert.Equal(X509ChainStatusFlags.NoError, ChainAssert.Status(chain));
    }
}
