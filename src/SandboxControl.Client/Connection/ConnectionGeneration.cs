using Grpc.Net.Client;
using SandboxControl.Client.Credentials;
using ControlClient = SandboxControl.V1.SandboxControl.SandboxControlClient;

namespace SandboxControl.Client.Connection;

/// <summary>
/// A channel bound to one certificate. A new certificate gets a new generation (and so new connections)
/// instead of swapping the certificate under a pooled connection: an HTTP/2 connection made with the
/// old certificate would otherwise live on until the server refuses it as expired.
/// </summary>
internal sealed class ConnectionGeneration : IDisposable
{
    private readonly GrpcChannel _channel;

    public ConnectionGeneration(Uri address, ClientCredentials credentials, SandboxClientOptions options)
    {
        Credentials = credentials;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            // Idle connections are noticed dead (server restarted) without waiting for a call to time out.
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
            SslOptions = ServerTrust.Create(credentials.Certificate, credentials.TrustedCas),
        };
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            LoggerFactory = options.LoggerFactory,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            // ThrowOperationCanceledOnCancellation stays off: with it, a stream reset by a dying server also throws
            // OperationCanceledException, which callers would take for their own cancellation. The background loops
            // instead treat RpcException(Cancelled) as a stop only when their own token is cancelled.
        });
        Client = new ControlClient(_channel);
    }

    public ClientCredentials Credentials { get; }

    public ControlClient Client { get; }

    public void Dispose()
    {
        _channel.Dispose();
        Credentials.Dispose();
    }
}
