using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>Grpc.Net.Client channels with (or without) a client certificate, trusting only the test CA.</summary>
public static class GrpcClients
{
    public static GrpcChannel Channel(Uri address, X509Certificate2 trustedCa, X509Certificate2? clientCertificate, Action<X509Certificate2>? onServerCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                // Always offer exactly the given certificate, even one the server's CA list would not
                // select; offline, so the client never fetches its own chain from an AIA URL.
                ClientCertificateContext = clientCertificate is null ? null : SslStreamCertificateContext.Create(clientCertificate, null, offline: true),
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is not X509Certificate2 server)
                    {
                        return false;
                    }

                    onServerCertificate?.Invoke(server);
                    return ChainsTo(server, trustedCa) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
                },
            },
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
    }

    public static V1.SandboxControl.SandboxControlClient Client(GrpcChannel channel) => new(channel);

    /// <summary>A plain HTTP/2 client with the same trust and client certificate, for the non-gRPC metrics route.</summary>
    public static HttpClient Http(Uri address, X509Certificate2 trustedCa, X509Certificate2? clientCertificate) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificateContext = clientCertificate is null ? null : SslStreamCertificateContext.Create(clientCertificate, null, offline: true),
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is X509Certificate2 server && ChainsTo(server, trustedCa) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0,
        },
    })
    {
        BaseAddress = address,
        DefaultRequestVersion = System.Net.HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    internal static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate);
    }
}
