extern alias server;

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>RenewSandboxCertificate over real mTLS: only a live sandbox with a valid, unrevoked certificate renews, and only itself.</summary>
public sealed class RenewalRefusalTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Renew_RightAfterCreation_NewCertificateForCallerWorks()
    {
        var id = await Server.CreateUniqueSandboxAsync("renew", "p");
        var current = await Server.SandboxCertificateAsync(id);
        var client = Server.Client(current);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var response = await client.RenewSandboxCertificateAsync(new RenewSandboxCertificateRequest { SandboxId = id, CsrPem = Csr(key) });

        using var renewed = X509Certificate2.CreateFromPem(response.CertificatePem).CopyWithPrivateKey(key);
        Assert.Equal(response.SerialNumber, renewed.SerialNumber);
        // Issued in the sandbox's creation second at the latest: the "not older than the sandbox" rule holds.
        Assert.Equal("p", (await Server.Client(renewed).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
        Assert.Contains(Server.AuditEvents(), e => e.GetProperty("rpc").GetString()!.EndsWith("RenewSandboxCertificate", StringComparison.Ordinal)
            && e.GetProperty("allowed").GetBoolean() && e.GetProperty("target").GetString() == id);
        // The trail links the old serial to the new one, so revoking a sandbox's certificates can follow renewals.
        Assert.Contains(Server.AuditEvents(), e => e.TryGetProperty("issuedSerial", out var issued) && issued.GetString() == response.SerialNumber
            && e.GetProperty("certificateSerial").GetString() == current.SerialNumber && e.GetProperty("target").GetString() == id);
    }

    [Fact]
    public async Task Renew_CsrAskingForOtherIdentity_CertificateNamesCallerOnly()
    {
        var id = await Server.CreateUniqueSandboxAsync("renew", "p");
        var victim = await Server.CreateUniqueSandboxAsync("renew", "p");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + victim, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(SpiffeIds.ForSandbox(TestPki.TrustDomain, victim)));
        request.CertificateExtensions.Add(san.Build());

        var response = await Server.Client(await Server.SandboxCertificateAsync(id)).RenewSandboxCertificateAsync(
            new RenewSandboxCertificateRequest { SandboxId = id, CsrPem = request.CreateSigningRequestPem() });

        using var renewed = X509Certificate2.CreateFromPem(response.CertificatePem).CopyWithPrivateKey(key);
        var asVictim = await Assert.ThrowsAsync<RpcException>(() =>
            Server.Client(renewed).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = victim }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, asVictim.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Renew_OtherSandboxId_PermissionDenied(bool otherExists)
    {
        var id = await Server.CreateUniqueSandboxAsync("renew", "p");
        var other = otherExists ? await Server.CreateUniqueSandboxAsync("renew", "p") : "never-created-" + id;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var call = Server.Client(await Server.SandboxCertificateAsync(id)).RenewSandboxCertificateAsync(new RenewSandboxCertificateRequest { SandboxId = other, CsrPem = Csr(key) });

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.DoesNotContain("CERTIFICATE", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_DeletedSandbox_Unauthenticated()
    {
        var id = await Server.CreateUniqueSandboxAsync("renew", "p");
        var client = Server.Client(await Server.SandboxCertificateAsync(id));
        await Server.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });

        var ex = await RenewRefusedAsync(client, id);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("client certificate not accepted", ex.Status.Detail);
    }

    [Fact]
    public async Task Renew_DenyListedSerial_Unauthenticated()
    {
        var id = await Server.CreateUniqueSandboxAsync("renew", "p");
        var certificate = await Server.SandboxCertificateAsync(id);
        await File.AppendAllTextAsync(Server.DenyListPath, certificate.SerialNumber + "\n");
        await Server.WaitUntilDeniedAsync(certificate.SerialNumber);

        var ex = await RenewRefusedAsync(Server.Client(certificate), id);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("certificate serial is on the deny list", Server.LastDenialReason(certificate.SerialNumber));
    }

    [Fact]
    public async Task Renew_ExpiredCertificate_RefusedAtTlsNoCertificate()
    {
        var id = await Server.CreateUniqueSandboxAsync("renew", "p");
        var notBefore = DateTimeOffset.UtcNow;
        var shortLived = Server.Pki.Custom(new LeafCertificateSpec
        {
            CommonName = id,
            UriSans = [SpiffeIds.ForSandbox(TestPki.TrustDomain, id)],
            NotBefore = notBefore,
            NotAfter = notBefore.AddSeconds(1),
        });
        await Task.Delay(shortLived.NotAfter.ToUniversalTime() - DateTime.UtcNow + TimeSpan.FromSeconds(1.1));

        var ex = await RenewRefusedAsync(Server.Client(shortLived), id);

        // The handshake is refused: Unavailable, or Internal when a TLS 1.3 alert arrives after the client's side finished.
        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"{ex.StatusCode}: {ex.Status.Detail}");
        Assert.NotNull(ex.Status.DebugException);
        Assert.DoesNotContain(shortLived.SerialNumber, await File.ReadAllTextAsync(Server.AuditPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_WeakKey_InvalidArgument()
    {
        var id = await Server.CreateUniqueSandboxAsync("renew", "p");
        using var rsa = RSA.Create(1024);
        var csr = new CertificateRequest("CN=weak", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        var sandboxCertificate = await Server.SandboxCertificateAsync(id);
        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Client(sandboxCertificate)
            .RenewSandboxCertificateAsync(new RenewSandboxCertificateRequest { SandboxId = id, CsrPem = csr }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("at least 2048 bits", ex.Status.Detail, StringComparison.Ordinal);
    }

    internal static string Csr(ECDsa key) => new CertificateRequest("CN=renew", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    private static async Task<RpcException> RenewRefusedAsync(V1.SandboxControl.SandboxControlClient client, string id)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        IssueSandboxCertificateResponse? response = null;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            response = await client.RenewSandboxCertificateAsync(new RenewSandboxCertificateRequest { SandboxId = id, CsrPem = Csr(key) }));
        Assert.Null(response);
        Assert.DoesNotContain("BEGIN CERTIFICATE", ex.Status.Detail, StringComparison.Ordinal);
        return ex;
    }
}
