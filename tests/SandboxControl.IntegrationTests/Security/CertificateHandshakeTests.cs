using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>Certificates that must never get past the TLS handshake: the client sees Unavailable.</summary>
public sealed class CertificateHandshakeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Sandbox = "tls-target";

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task NoClientCertificate_RefusedAtTls() => await AssertRefusedAtTlsAsync(Server.Client(null));

    [Fact]
    public async Task CertificateFromAnotherCa_RefusedAtTls()
    {
        await EnsureSandboxAsync();

        var foreign = Server.Pki.OtherCa.IssueSandboxCertificate(TestPki.TrustDomain, Sandbox);

        await AssertRefusedAtTlsAsync(Server.Client(foreign), foreign.SerialNumber);
    }

    [Fact]
    public async Task ExpiredCertificate_RefusedAtTls()
    {
        await EnsureSandboxAsync();
        var expired = Server.Pki.Custom(new LeafCertificateSpec
        {
            UriSans = [SpiffeIds.ForSandbox(TestPki.TrustDomain, Sandbox)],
            NotBefore = DateTimeOffset.UtcNow.AddHours(-2),
            NotAfter = DateTimeOffset.UtcNow.AddHours(-1),
        });

        await AssertRefusedAtTlsAsync(Server.Client(expired), expired.SerialNumber);
    }

    [Fact]
    public async Task ServerAuthOnlyCertificate_RefusedAtTls()
    {
        var serverOnly = Server.Pki.Custom(new LeafCertificateSpec
        {
            UriSans = [SpiffeIds.ForOperator(TestPki.TrustDomain, TestServer.AdminName)],
            ExtendedKeyUsageOids = [Oids.ServerAuth],
        });

        await AssertRefusedAtTlsAsync(Server.Client(serverOnly), serverOnly.SerialNumber);
    }

    [Fact]
    public async Task CaCertificatePresentedAsLeaf_RefusedAtTls()
    {
        using var intermediate = Server.Pki.Ca.CreateIntermediate("rogue intermediate", TimeSpan.FromHours(1));

        await AssertRefusedAtTlsAsync(Server.Client(intermediate.Certificate), intermediate.Certificate.SerialNumber);
    }

    private async Task EnsureSandboxAsync()
    {
        try
        {
            await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = Sandbox, PolicyDocument = "p" });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
        }
    }

    /// <summary>
    /// Refused at the transport: no gRPC status from a handler or the interceptor, and no audit event
    /// for the certificate (the interceptor never ran). With TLS 1.3 the client completes its side of
    /// the handshake before the server checks its certificate, so the alert can surface on the first
    /// read as Internal instead of Unavailable; both are transport failures.
    /// </summary>
    private async Task AssertRefusedAtTlsAsync(V1.SandboxControl.SandboxControlClient client, string? serial = null)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = Sandbox }).ResponseAsync);

        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"{ex.StatusCode}: {ex.Status.Detail}");
        Assert.NotNull(ex.Status.DebugException);
        if (serial is not null)
        {
            Assert.DoesNotContain(serial, await File.ReadAllTextAsync(Server.AuditPath), StringComparison.Ordinal);
        }
    }
}
