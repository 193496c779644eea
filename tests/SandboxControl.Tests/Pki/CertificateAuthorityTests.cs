using System.Net;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.Tests.Pki;

public sealed class CertificateAuthorityTests
{
    private const string TrustDomain = "sandboxcontrol.test";

    [Fact]
    public void CreateRoot_Always_SelfSignedCaWithCriticalConstraints()
    {
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));

        var certificate = root.Certificate;
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(certificate.SubjectName.RawData, certificate.IssuerName.RawData);
        var basicConstraints = Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(basicConstraints.CertificateAuthority);
        Assert.True(basicConstraints.Critical);
        var keyUsage = Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, keyUsage.KeyUsages);
        Assert.True(keyUsage.Critical);
        Assert.Single(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.True(certificate.NotBefore.ToUniversalTime() <= DateTime.UtcNow.AddMinutes(-4));
    }

    [Fact]
    public void IssueSandboxCertificate_ValidId_ChainsToRootWithOneSpiffeUri()
    {
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));

        using var leaf = root.IssueSandboxCertificate(TrustDomain, "sb-1");

        using var chain = ChainAssert.Build(leaf, root.Certificate);
        Assert.Equal(X509ChainStatusFlags.NoError, ChainAssert.Status(chain));
        Assert.Equal(2, chain.ChainElements.Count);
        Assert.Equal(root.Certificate.Thumbprint, chain.ChainElements[1].Certificate.Thumbprint);
        Assert.Equal(["spiffe://sandboxcontrol.test/sandbox/sb-1"], UriSanReader.Read(leaf));
        Assert.True(leaf.HasPrivateKey);
        var usages = Assert.Single(leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages;
        Assert.Equal([Oids.ClientAuth], usages.Cast<System.Security.Cryptography.Oid>().Select(oid => oid.Value));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(leaf.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.False(Assert.Single(leaf.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
    }

    [Fact]
    public void IssueSandboxCertificate_OtherRoot_DoesNotChain()
    {
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));
        using var otherRoot = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));

        using var leaf = otherRoot.IssueSandboxCertificate(TrustDomain, "sb-1");

        using var chain = ChainAssert.Build(leaf, root.Certificate);
        Assert.NotEqual(X509ChainStatusFlags.NoError, ChainAssert.Status(chain));
    }

    [Fact]
    public void IssueSandboxCertificate_DefaultLifetime_NotBackdatedAndOneDay()
    {
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));
        var before = DateTime.UtcNow.AddSeconds(-1);

        using var leaf = root.IssueSandboxCertificate(TrustDomain, "sb-1");

        var notBefore = leaf.NotBefore.ToUniversalTime();
        Assert.InRange(notBefore, before, DateTime.UtcNow);
        Assert.Equal(TimeSpan.FromHours(24), leaf.NotAfter - leaf.NotBefore);
    }

    [Fact]
    public void IssueOperatorCertificate_ValidName_OperatorUriAndThirtyDays()
    {
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(60));

        using var leaf = root.IssueOperatorCertificate(TrustDomain, "alice");

        Assert.Equal(["spiffe://sandboxcontrol.test/operator/alice"], UriSanReader.Read(leaf));
        Assert.Equal(TimeSpan.FromDays(30), leaf.NotAfter - leaf.NotBefore);
    }

    [Theory]
    [InlineData("TD", "sb-1")]
    [InlineData("td:443", "sb-1")]
    [InlineData("", "sb-1")]
    [InlineData("td", "")]
    [InlineData("td", "SB")]
    [InlineData("td", "-sb")]
    [InlineData("td", "sb-")]
    [InlineData("td", "sb\n")]
    [InlineData("td", "a/b")]
    [InlineData("td", "..")]
    [InlineData("td", "a234567890123456789012345678901234567890123456789012345678901234")]
    public void IssueSandboxCertificate_MalformedArguments_ThrowsArgumentException(string trustDomain, string sandboxId)
    {
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));

        Assert.Throws<ArgumentException>(() => root.IssueSandboxCertificate(trustDomain, sandboxId));
        Assert.Throws<ArgumentException>(() => root.IssueOperatorCertificate(trustDomain, sandboxId));
    }

    [Fact]
    public void CreateIntermediate_IssuedLeaf_ChainsThroughIntermediate()
    {
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));
        using var intermediate = root.CreateIntermediate("Test Intermediate", TimeSpan.FromDays(1));

        using var leaf = intermediate.IssueSandboxCertificate(TrustDomain, "sb-1");

        Assert.True(Assert.Single(intermediate.Certificate.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        using var chain = ChainAssert.Build(leaf, root.Certificate, intermediate.Certificate);
        Assert.Equal(X509ChainStatusFlags.NoError, ChainAssert.Status(chain));
        Assert.Equal(
            [leaf.Thumbprint, intermediate.Certificate.Thumbprint, root.Certificate.Thumbprint],
            chain.ChainElements.Select(element => element.Certificate.Thumbprint));
    }

    [Fact]
    public void IssueServerCertificate_NamesAndAddresses_ServerAuthWithSans()
    {
        using var root = CertificateAuthority.CreateRoot("Test Root", TimeSpan.FromDays(1));

        using var server = root.IssueServerCertificate(["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], TimeSpan.FromDays(1));

        var sans = Assert.Single(server.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["localhost"], sans.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], sans.EnumerateIPAddresses());
        var usages = Assert.Single(server.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages;
        Assert.Equal([Oids.ServerAuth], usages.Cast<System.Security.Cryptography.Oid>().Select(oid => oid.Value));
        Assert.False(Assert.Single(server.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        Assert.True(server.NotBefore.ToUniversalTime() <= DateTime.UtcNow.AddMinutes(-4));
        using var chain = ChainAssert.Build(server, root.Certificate);
        Assert.Equal(X509ChainStatusFlags.NoError, ChainAssert.Status(chain));
    }
}
