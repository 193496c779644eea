using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using SandboxControl.Bench.Ceiling;

// A bare Kestrel gRPC host behind the same mTLS setup as SandboxControl: HTTP/2 over TLS 1.2/1.3,
// client certificate required, chain validated against the given CA only (no system roots, no
// downloads, no online revocation). Nothing else: the framework's limit on this machine.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var settings = builder.Configuration.GetSection("Ceiling").Get<CeilingSettings>() ?? new CeilingSettings();
builder.Services.AddSingleton(settings);
builder.Services.AddGrpc();

var serverCertificate = X509Certificate2.CreateFromPemFile(settings.ServerCertificatePath, settings.ServerKeyPath);
var certificateContext = SslStreamCertificateContext.Create(serverCertificate, null, offline: true);
var clientCas = new X509Certificate2Collection();
clientCas.ImportFromPemFile(settings.ClientCaPath);

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, settings.Port, listen =>
    {
        listen.Protocols = HttpProtocols.Http2;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificateContext,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                CertificateChainPolicy = ChainPolicy(clientCas),
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                AllowRenegotiation = false,
                // SslStream has built the chain with the policy above; accept only a clean result.
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => certificate is not null && errors == SslPolicyErrors.None,
            }),
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        });
    });
});

var app = builder.Build();
app.MapGrpcService<ConstantService>();
await app.RunAsync();

static X509ChainPolicy ChainPolicy(X509Certificate2Collection cas)
{
    var policy = new X509ChainPolicy
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        DisableCertificateDownloads = true,
        RevocationMode = X509RevocationMode.NoCheck,
    };
    policy.CustomTrustStore.AddRange(cas);
    return policy;
}
