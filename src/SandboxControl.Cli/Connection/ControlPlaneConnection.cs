using System.Net.Security;
using Grpc.Net.Client;
using ControlClient = SandboxControl.V1.SandboxControl.SandboxControlClient;

namespace SandboxControl.Cli.Connection;

/// <summary>An mTLS gRPC channel to the server, with what is needed to explain a failed connection.</summary>
internal sealed class ControlPlaneConnection : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientCredentials _credentials;
    private readonly GrpcChannel _channel;

    private ControlPlaneConnection(ConnectionSettings settings, ClientCredentials credentials)
    {
        Settings = settings;
        _credentials = credentials;
        Validator = new ServerCertificateValidator(settings, credentials.TrustedCas);
        var clientCertificate = credentials.ClientCertificate;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                // Offer the certificate even if the server's list of acceptable CAs does not name its issuer:
                // the server then refuses the handshake, which the error message can explain.
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate,
                CertificateChainPolicy = Validator.CreateChainPolicy(),
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = Validator.Validate,
            },
        };
        _channel = GrpcChannel.ForAddress(settings.Server, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        Client = new ControlClient(_channel);
    }

    public ConnectionSettings Settings { get; }

    public ServerCertificateValidator Validator { get; }

    public string ClientCertificateSerial => _credentials.ClientCertificate.SerialNumber;

    public ControlClient Client { get; }

    /// <summary>Checks the files, then creates the channel (the TCP/TLS connection opens with the first call).</summary>
    /// <exception cref="CannotConnectException">A certificate file is missing, unusable or expired.</exception>
    public static ControlPlaneConnection Open(ConnectionSettings settings, TimeProvider time)
    {
        var credentials = ClientCredentials.Load(settings, time);
        try
        {
            return new ControlPlaneConnection(settings, credentials);
        }
        catch
        {
            credentials.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _channel.Dispose();
        _credentials.Dispose();
    }
}
