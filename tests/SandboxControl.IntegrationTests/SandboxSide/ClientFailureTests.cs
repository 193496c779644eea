using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using SandboxControl.Client;
using SandboxControl.Client.Errors;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>Every failure a supervisor can hit comes out of the library as a typed exception with one readable line.</summary>
public sealed class ClientFailureTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task NothingListening_ServerUnreachable()
    {
        var id = await Server.CreateUniqueSandboxAsync("fail", "p");
        using var files = new SandboxFiles(Server.Pki.Sandbox(id));
        var closedPort = ClosedPort();
        var address = new Uri($"https://127.0.0.1:{closedPort}");
        await using var client = SandboxClient.Create(files.Options(address, Server.Pki.CaPath));

        var ex = await Assert.ThrowsAsync<ServerUnreachableException>(() => client.GetPolicyAsync());

        Assert.Equal($"cannot connect to {address}: connection refused (is the server running on that port?).", ex.Message);
    }

    [Fact]
    public async Task ExpiredCertificate_CertificateExpired()
    {
        var id = await Server.CreateUniqueSandboxAsync("fail", "p");
        using var expired = Server.Pki.Custom(new LeafCertificateSpec
        {
            UriSans = [SpiffeIds.ForSandbox(TestPki.TrustDomain, id)],
            NotBefore = DateTimeOffset.UtcNow.AddHours(-2),
            NotAfter = DateTimeOffset.UtcNow.AddHours(-1),
        });
        using var files = new SandboxFiles(expired);
        await using var client = SandboxClient.Create(files.Options(Server.Address, Server.Pki.CaPath));

        var ex = await Assert.ThrowsAsync<CertificateExpiredException>(() => client.GetPolicyAsync());

        Assert.StartsWith($"the server refused the TLS handshake: certificate {expired.SerialNumber} expired at ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ObjectDisposed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateFromAnotherCa_HandshakeRefused()
    {
        var id = await Server.CreateUniqueSandboxAsync("fail", "p");
        using var foreign = Server.Pki.OtherCa.IssueSandboxCertificate(TestPki.TrustDomain, id);
        using var files = new SandboxFiles(foreign);
        await using var client = SandboxClient.Create(files.Options(Server.Address, Server.Pki.CaPath));

        var ex = await Assert.ThrowsAsync<HandshakeRefusedException>(() => client.GetPolicyAsync());

        Assert.StartsWith($"the TLS handshake with {Server.Address} failed; likely causes: certificate {foreign.SerialNumber} is not from the server's client CA", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void KeyOfAnotherCertificate_KeyMismatch()
    {
        using var files = new SandboxFiles(Server.Pki.Sandbox("fail-key"));
        using var other = Server.Pki.Sandbox("fail-key");
        PemFiles.WritePrivateKey(files.KeyPath, other);

        var ex = Assert.Throws<KeyMismatchException>(() => SandboxClient.Create(files.Options(Server.Address, Server.Pki.CaPath)));

        Assert.Equal($"The private key in '{files.KeyPath}' does not match the certificate in '{files.CertificatePath}'.", ex.Message);
    }

    [Fact]
    public void OperatorCertificate_NotSandboxCertificate()
    {
        using var operatorCertificate = Server.Pki.Operator(TestServer.AdminName);
        using var files = new SandboxFiles(operatorCertificate);

        var ex = Assert.Throws<NotSandboxCertificateException>(() => SandboxClient.Create(files.Options(Server.Address, Server.Pki.CaPath)));

        Assert.Equal($"certificate {operatorCertificate.SerialNumber} is not a sandbox certificate (expected spiffe://<trust-domain>/sandbox/<id>)", ex.Message);
    }

    [Fact]
    public void MissingFile_CredentialFile()
    {
        using var files = new SandboxFiles(Server.Pki.Sandbox("fail-missing"));
        File.Delete(files.KeyPath);

        var ex = Assert.Throws<CredentialFileException>(() => SandboxClient.Create(files.Options(Server.Address, Server.Pki.CaPath)));

        Assert.Contains(files.KeyPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedSandbox_ServerRefusedWithStatus()
    {
        var id = await Server.CreateUniqueSandboxAsync("fail", "p");
        using var files = new SandboxFiles(Server.Pki.Sandbox(id));
        await using var client = SandboxClient.Create(files.Options(Server.Address, Server.Pki.CaPath));
        await Server.Admin.DeleteSandboxAsync(new V1.DeleteSandboxRequest { SandboxId = id });

        var ex = await Assert.ThrowsAsync<ServerRefusedException>(() => client.GetPolicyAsync());

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("the server refused: Unauthenticated: client certificate not accepted", ex.Message);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
