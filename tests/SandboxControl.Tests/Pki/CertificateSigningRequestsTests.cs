using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.Tests.Pki;

public sealed class CertificateSigningRequestsTests
{
    [Theory]
    [InlineData("nistP256")]
    [InlineData("nistP384")]
    public void Validate_StrongEcKey_ReturnsItsPublicKey(string curve)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var pem = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        var publicKey = CertificateSigningRequests.Validate(pem);

        using var parsed = publicKey.GetECDsaPublicKey()!;
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), parsed.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Validate_Rsa2048_Accepted()
    {
        using var rsa = RSA.Create(2048);
        var pem = new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        Assert.Equal(2048, CertificateSigningRequests.Validate(pem).GetRSAPublicKey()!.KeySize);
    }

    [Fact]
    public void Validate_Rsa1024_Rejected()
    {
        using var rsa = RSA.Create(1024);
        var pem = new CertificateRequest("CN=x", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        var ex = Assert.Throws<CertificateRequestRejectedException>(() => CertificateSigningRequests.Validate(pem));

        Assert.Contains("2048", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SignedByAnotherKey_Rejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // Claims `key` but is signed by `other`: the requester does not prove possession.
        var request = new CertificateRequest(new X500DistinguishedName("CN=x"), new PublicKey(key), HashAlgorithmName.SHA256);
        var pem = request.CreateSigningRequestPem(X509SignatureGenerator.CreateForECDsa(other));

        Assert.Throws<CertificateRequestRejectedException>(() => CertificateSigningRequests.Validate(pem));
    }

    [Fact]
    public void Validate_Oversized_Rejected() =>
        Assert.Throws<CertificateRequestRejectedException>(() => CertificateSigningRequests.Validate(new string('A', CertificateSigningRequests.MaxPemLength + 1)));
}
