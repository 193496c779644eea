using System.Net.Security;
using System.Security.Authentication;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>TLS 1.2 only with ECDHE and AEAD ciphers; a client that offers only CBC suites gets no connection.</summary>
public sealed class TlsCipherSuiteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Tls12_OnlyCbcSuitesOffered_HandshakeFails()
    {
        Assert.True(OperatingSystem.IsLinux(), "the server restricts cipher suites on Linux, where CI runs");
        var cbcOnly = new CipherSuitesPolicy(
        [
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        ]);

        var ex = await Record.ExceptionAsync(() => RawTls.ConnectAsync(Server.Address, Server.Pki.Ca.Certificate, Server.Pki.Operator(TestServer.AdminName), SslProtocols.Tls12, cbcOnly));

        Assert.True(ex is AuthenticationException or IOException, $"expected a failed handshake, got {ex?.GetType().Name ?? "a connection"}");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Tls12_AeadSuiteOffered_HandshakeSucceedsWithGcm()
    {
        Assert.True(OperatingSystem.IsLinux(), "the server restricts cipher suites on Linux, where CI runs");
        var aead = new CipherSuitesPolicy(
        [
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ]);

        await using var tls = await RawTls.ConnectAsync(Server.Address, Server.Pki.Ca.Certificate, Server.Pki.Operator(TestServer.AdminName), SslProtocols.Tls12, aead);

        Assert.Equal(SslProtocols.Tls12, tls.SslProtocol);
        Assert.Contains(tls.NegotiatedCipherSuite, new[] { TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 });
    }
}
