using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Certificates;

/// <summary>IssueSandboxCertificate: the server picks the identity; the CSR only contributes its public key.</summary>
public sealed class CertificateIssuanceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    public static TheoryData<string> ForgedSans => new()
    {
        SpiffeIds.ForSandbox(TestPki.TrustDomain, "victim"),
        SpiffeIds.ForOperator(TestPki.TrustDomain, TestServer.AdminName),
    };

    [Theory]
    [MemberData(nameof(ForgedSans))]
    public async Task IssueSandboxCertificate_CsrAskingForOtherIdentity_CertificateNamesRequestedSandboxOnly(string forgedSan)
    {
        var id = "csr-" + Guid.NewGuid().ToString("N")[..8];
        await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "own-policy" });
        await EnsureVictimAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = CreateCsr(key, "CN=" + TestServer.AdminName, forgedSan, isCa: true);

        var response = await Server.Issuer.IssueSandboxCertificateAsync(new IssueSandboxCertificateRequest { SandboxId = id, CsrPem = csr });

        using var issued = X509Certificate2.CreateFromPem(response.CertificatePem);
        Assert.Equal([SpiffeIds.ForSandbox(TestPki.TrustDomain, id)], UriSans(issued));
        Assert.False(issued.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(issued.SerialNumber, response.SerialNumber);
        using var withKey = issued.CopyWithPrivateKey(key);
        var sandbox = Server.Client(withKey);
        Assert.Equal("own-policy", (await sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
        var denied = await Assert.ThrowsAsync<RpcException>(() => sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "victim" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        var operatorRpc = await Assert.ThrowsAsync<RpcException>(() => sandbox.ListSandboxesAsync(new ListSandboxesRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, operatorRpc.StatusCode);
    }

    [Fact]
    public async Task IssueSandboxCertificate_WeakRsaKey_InvalidArgument()
    {
        var id = await Server.CreateUniqueSandboxAsync("csr");
        using var rsa = RSA.Create(1024);
        var csr = new CertificateRequest("CN=weak", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        await AssertInvalidAsync(id, csr, "at least 2048 bits");
    }

    [Fact]
    public async Task IssueSandboxCertificate_P521Key_InvalidArgument()
    {
        var id = await Server.CreateUniqueSandboxAsync("csr");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP521);

        await AssertInvalidAsync(id, CreateCsr(key, "CN=x", null, isCa: false), "P-256 or P-384");
    }

    [Fact]
    public async Task IssueSandboxCertificate_TamperedSignature_InvalidArgument()
    {
        var id = await Server.CreateUniqueSandboxAsync("csr");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = CreateCsr(key, "CN=x", null, isCa: false);
        var der = Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);
        // The signature value is the last field: flipping a bit there keeps the DER well-formed.
        der[^5] ^= 0x01;
        var tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        await AssertInvalidAsync(id, tampered, "validly signed");
    }

    [Fact]
    public async Task IssueSandboxCertificate_Garbage_InvalidArgument() =>
        await AssertInvalidAsync(await Server.CreateUniqueSandboxAsync("csr"), "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----", "validly signed");

    [Fact]
    public async Task IssueSandboxCertificate_UnknownSandbox_NotFound()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Issuer.IssueSandboxCertificateAsync(
            new IssueSandboxCertificateRequest { SandboxId = "never-created", CsrPem = CreateCsr(key, "CN=x", null, isCa: false) }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task IssueSandboxCertificate_Viewer_PermissionDenied()
    {
        var id = await Server.CreateUniqueSandboxAsync("csr");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var viewer = Server.Client(Server.Pki.Operator(TestServer.ViewerName));

        var ex = await Assert.ThrowsAsync<RpcException>(() => viewer.IssueSandboxCertificateAsync(
            new IssueSandboxCertificateRequest { SandboxId = id, CsrPem = CreateCsr(key, "CN=x", null, isCa: false) }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    private async Task EnsureVictimAsync()
    {
        try
        {
            await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "victim", PolicyDocument = "victim-policy" });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
        }
    }

    private async Task AssertInvalidAsync(string id, string csr, string reason)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Server.Issuer.IssueSandboxCertificateAsync(new IssueSandboxCertificateRequest { SandboxId = id, CsrPem = csr }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains(reason, ex.Status.Detail, StringComparison.Ordinal);
    }

    private static string CreateCsr(ECDsa key, string subject, string? uriSan, bool isCa)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (uriSan is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddUri(new Uri(uriSan));
            request.CertificateExtensions.Add(san.Build());
        }

        if (isCa)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        }

        return request.CreateSigningRequestPem();
    }

    private static List<string> UriSans(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.Single(e => e.Oid?.Value == "2.5.29.17");
        var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            if (names.PeekTag().HasSameClassAndValue(uriTag))
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return uris;
    }
}
