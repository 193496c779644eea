using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Limits;
using SandboxControl.Server.Tls;

namespace SandboxControl.Server.Hosting;

/// <summary>
/// The server's one and only listener: HTTP/2 over TLS 1.2+ with a required, verified client
/// certificate. No plaintext port, no health port, no loopback exception.
/// </summary>
/// <remarks>
/// Kestrel reads its options while the app is being built, before StartAsync. Every option is validated here first
/// and the TLS files are loaded only after that, so a bad start reports all of its problems at once, not in waves.
/// </remarks>
internal sealed class KestrelMtlsConfigurator(
    IStartupValidator startupValidator,
    IOptions<ServerOptions> serverOptions,
    IServiceProvider services,
    ClientCertificateValidator validator) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        startupValidator.Validate();
        // Resolved only after validation: their constructors read options, which would report one problem, not all.
        var materials = services.GetRequiredService<TlsMaterialProvider>();
        var connections = services.GetRequiredService<ConnectionLimiter>();
        // Drop endpoints from the "Kestrel" configuration section: only the listener below may exist.
        options.Configure(new ConfigurationBuilder().Build());
        options.AddServerHeader = false;
        var server = serverOptions.Value;
        options.Limits.MaxConcurrentConnections = server.MaxConnections;
        options.Limits.MaxConcurrentUpgradedConnections = 0;
        // An HTTP/2 connection with no open stream is idle: closed after this instead of Kestrel's 130 s.
        options.Limits.KeepAliveTimeout = server.IdleTimeout;
        options.Listen(IPAddress.Parse(server.ListenAddress), server.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                // Read per connection: a rotated certificate or CA bundle applies to the next handshake.
                OnConnection = _ => ValueTask.FromResult(CreateSslOptions(materials.Current)),
                HandshakeTimeout = server.HandshakeTimeout,
            });
            // After the handshake, so the connection is counted against the certificate's identity.
            listen.Use(next => connection => connections.OnConnectionAsync(connection, next));
        });
    }

    private SslServerAuthenticationOptions CreateSslOptions(TlsMaterial material) => new()
    {
        ServerCertificateContext = material.ServerCertificateContext,
        // The handshake fails without a client certificate: RequireCertificate, never Delay/Allow.
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => validator.Validate(certificate as X509Certificate2, chain, errors),
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        // SslStream builds its own chain before our callback runs; without this policy that first build
        // follows a client-supplied AIA URL (blind SSRF and a stall on every new connection).
        CertificateChainPolicy = material.CreateClientChainPolicy(),
        ApplicationProtocols = [SslApplicationProtocol.Http2],
        AllowRenegotiation = false,
        CipherSuitesPolicy = ModernCipherSuites.Policy,
    };
}
