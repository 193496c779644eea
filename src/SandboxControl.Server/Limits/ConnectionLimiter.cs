using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Hosting;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Metrics;

namespace SandboxControl.Server.Limits;

/// <summary>
/// Counts open connections per certificate identity after the TLS handshake: one caller opening
/// connections in a loop closes only its own new ones, never anyone's established connection.
/// </summary>
internal sealed class ConnectionLimiter(
    IOptions<ServerOptions> server,
    CallerAuthenticator authenticator,
    ControlPlaneMetrics metrics,
    ILogger<ConnectionLimiter> logger)
{
    private readonly int _max = server.Value.MaxConnectionsPerCaller;
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var key = Key(connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate);
        try
        {
            if (_open.AddOrUpdate(key, 1, (_, count) => count + 1) > _max)
            {
                metrics.HandshakeRefused("per-caller connection limit");
                Log.ConnectionRefused(logger, key, _max);
                return;
            }

            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            if (_open.AddOrUpdate(key, 0, (_, count) => count - 1) == 0)
            {
                _open.TryRemove(KeyValuePair.Create(key, 0));
            }
        }
    }

    // A certificate that names nobody is still counted, by its serial, so it cannot open connections unbounded. The parse is
    // the authenticator's, cached for the connection, so its calls do not parse the certificate again.
    private string Key(X509Certificate2? certificate) => certificate is null
        ? "no-certificate"
        : authenticator.GetOrParse(certificate) is { Caller: { } caller } ? caller.ToString() : "serial/" + certificate.SerialNumber;
}
