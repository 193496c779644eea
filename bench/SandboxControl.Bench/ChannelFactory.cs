using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace SandboxControl.Bench;

/// <summary>
/// mTLS channels the way the CLI and the integration tests build them: exactly one client
/// certificate offered, the server trusted only if it chains to the given CA.
/// </summary>
internal sealed class ChannelFactory(Uri target, X509Certificate2Collection trustedCas)
{
    public GrpcChannel Create(SslStreamCertificateContext clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // One channel = one HTTP/2 connection: calls beyond the server's stream limit queue instead of opening more.
            EnableMultipleHttp2Connections = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificateContext = clientCertificate,
                RemoteCertificateValidationCallback = ValidateServer,
            },
        };
        return GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
    }

    /// <summary>Loads a client certificate context once, so handshakes do not rebuild the client chain.</summary>
    public static SslStreamCertificateContext Context(X509Certificate2 certificate) =>
        SslStreamCertificateContext.Create(certificate, null, offline: true);

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 server || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var own = new X509Chain();
        own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        own.ChainPolicy.CustomTrustStore.AddRange(trustedCas);
        own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        own.ChainPolicy.DisableCertificateDownloads = true;
        return own.Build(server);
    }
}
