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

        await AssertRefusedAtTlsAsync(Server.Client(Server.Pki.OtherCa.IssueSandboxCertificate(TestPki.TrustDomain, Sandbox)));
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

        await AssertRefusedAtTlsAsync(Server.Client(expired));
    }

    [Fact]
    public async Task ServerAuthOnlyCertificate_RefusedAtTls() =>
        await AssertRefusedAtTlsAsync(Server.Client(Server.Pki.Custom(new LeafCertificateSpec
        {
            UriSans = [SpiffeIds.ForOperator(TestPki.TrustDomain, TestServer.AdminName)],
            ExtendedKeyUsageOids = [Oids.ServerAuth],
        })));

    [Fact]
    public async Task CaCertificatePresentedAsLeaf_RefusedAtTls()
    {
        using var intermediate = Server.Pki.Ca.CreateIntermediate("rogue intermediate", TimeSpan.FromHours(1));

        await AssertRefusedAtTlsAsync(Server.Client(intermediate.Certificate));
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

    private static async Task AssertRefusedAtTlsAsync(V1.SandboxControl.SandboxControlClient client)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = Sandbox }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }
}
