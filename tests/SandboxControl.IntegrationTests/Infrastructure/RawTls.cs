using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>A bare TLS client (no HTTP/2 on top) for tests of the handshake and of idle connections.</summary>
public static class RawTls
{
    public static async Task<SslStream> ConnectAsync(Uri address, X509Certificate2 trustedCa, X509Certificate2 clientCertificate, SslProtocols protocols, CipherSuitesPolicy? suites)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = protocols,
                    CipherSuitesPolicy = suites,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                    ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, null, offline: true),
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 server && GrpcClients.ChainsTo(server, trustedCa),
                },
                timeout.Token);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }
}
