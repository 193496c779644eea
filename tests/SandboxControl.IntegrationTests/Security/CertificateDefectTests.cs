using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>
/// Certificates from our own CA whose single URI SAN is almost, but not exactly, a valid sandbox
/// identity, plus defects refused at the handshake. Each variant targets the sandbox it imitates.
/// </summary>
public sealed class CertificateDefectTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Victim = "defect-victim";
    private const string Domain = TestPki.TrustDomain;

    private TestServer Server => fixture.Server;

    public static TheoryData<string, string> MalformedUris => new()
    {
        { "https scheme", $"https://{Domain}/sandbox/{Victim}" },
        { "trust domain upper case", $"spiffe://{Domain.ToUpperInvariant()}/sandbox/{Victim}" },
        { "trust domain trailing dot", $"spiffe://{Domain}./sandbox/{Victim}" },
        { "dot-dot segment", $"spiffe://{Domain}/sandbox/../sandbox/{Victim}" },
        { "percent-encoded slash", $"spiffe://{Domain}/sandbox%2F{Victim}" },
        { "trailing slash", $"spiffe://{Domain}/sandbox/{Victim}/" },
        { "empty id", $"spiffe://{Domain}/sandbox/" },
        { "upper-case id", $"spiffe://{Domain}/sandbox/DEFECT-VICTIM" },
        { "64-character id", $"spiffe://{Domain}/sandbox/{new string('a', 64)}" },
        { "nested path", $"spiffe://{Domain}/sandbox/{Victim}/b" },
        { "port in trust domain", $"spiffe://{Domain}:443/sandbox/{Victim}" },
        { "userinfo", $"spiffe://admin@{Domain}/sandbox/{Victim}" },
        { "query", $"spiffe://{Domain}/sandbox/{Victim}?x=1" },
    };

    [Theory]
    [MemberData(nameof(MalformedUris))]
    public async Task MalformedUriSan_Unauthenticated(string defect, string uri)
    {
        await EnsureVictimAsync();
        var certificate = Server.Pki.Custom(new LeafCertificateSpec { UriSans = [uri] });

        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Client(certificate).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = Victim }).ResponseAsync);

        Assert.True(ex.StatusCode == StatusCode.Unauthenticated, $"{defect}: {ex.Status}");
        Assert.DoesNotContain("victim-policy", ex.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(Server.LastDenialReason(certificate.SerialNumber));
    }

    [Fact]
    public async Task SelfSignedLeaf_RefusedAtTls()
    {
        await EnsureVictimAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + Victim, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Oids.ClientAuth)], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(SpiffeIds.ForSandbox(Domain, Victim)));
        request.CertificateExtensions.Add(san.Build());
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));

        await AssertRefusedAtTlsAsync(selfSigned);
    }

    [Fact]
    public async Task NotYetValid_RefusedAtTls()
    {
        await EnsureVictimAsync();

        await AssertRefusedAtTlsAsync(Server.Pki.Custom(new LeafCertificateSpec
        {
            UriSans = [SpiffeIds.ForSandbox(Domain, Victim)],
            NotBefore = DateTimeOffset.UtcNow.AddHours(1),
            NotAfter = DateTimeOffset.UtcNow.AddHours(2),
        }));
    }

    [Fact]
    public async Task CnAndDnsNamingOtherSandbox_Ignored_IdentityFromUriSanOnly()
    {
        await EnsureVictimAsync();
        var own = "defect-own-" + Guid.NewGuid().ToString("N")[..8];
        await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = own, PolicyDocument = "own-policy" });
        var certificate = Server.Pki.Custom(new LeafCertificateSpec
        {
            CommonName = Victim,
            DnsSans = [Victim, SpiffeIds.ForSandbox(Domain, Victim)],
            UriSans = [SpiffeIds.ForSandbox(Domain, own)],
        });
        await Server.AllowAsync(certificate, own);
        var client = Server.Client(certificate);

        Assert.Equal("own-policy", (await client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = own })).Document);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = Victim }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    private async Task AssertRefusedAtTlsAsync(X509Certificate2 certificate)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Client(certificate).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = Victim }).ResponseAsync);

        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, ex.Status.ToString());
        Assert.DoesNotContain(Server.AuditEvents(), e => e.GetProperty("certificateSerial").GetString() == certificate.SerialNumber);
    }

    private async Task EnsureVictimAsync()
    {
        try
        {
            await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = Victim, PolicyDocument = "victim-policy" });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
        }
    }
}
