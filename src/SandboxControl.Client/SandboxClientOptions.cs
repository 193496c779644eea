using Microsoft.Extensions.Logging;

namespace SandboxControl.Client;

/// <summary>How a sandbox supervisor reaches the control plane. The sandbox id is never configured: it comes from the certificate.</summary>
public sealed class SandboxClientOptions
{
    /// <summary>Control plane address, e.g. <c>https://127.0.0.1:7443</c>. Required.</summary>
    public Uri? ServerAddress { get; set; }

    /// <summary>PEM client certificate of this sandbox. Required. Replacing the file is picked up by new connections.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>PEM private key of the certificate (unencrypted PKCS#8, SEC1 or PKCS#1). Required.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>PEM bundle of the CAs the server certificate must chain to. Only these are trusted, never system roots. Required.</summary>
    public string CaBundlePath { get; set; } = "";

    /// <summary>How often the three files are checked for replacement. Default 1 second.</summary>
    public TimeSpan FileCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Renew the certificate automatically at <see cref="RenewAtFractionOfLifetime"/>. Default <see langword="true"/>.</summary>
    public bool AutoRenew { get; set; } = true;

    /// <summary>When in its lifetime a certificate is renewed, between 0 and 1 exclusive. Default two thirds.</summary>
    public double RenewAtFractionOfLifetime { get; set; } = 2.0 / 3.0;

    /// <summary>
    /// When <see langword="true"/>, a renewed certificate and its new key replace the files at
    /// <see cref="CertificatePath"/> and <see cref="KeyPath"/> (the key created with mode 0600, through a
    /// rename), so a restarted supervisor starts with a valid certificate. When <see langword="false"/>
    /// (the default) the new key lives only in this process's memory.
    /// </summary>
    public bool PersistRenewedCertificate { get; set; }

    /// <summary>Deadline of each unary call. Default 30 seconds.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>TCP + TLS connect timeout. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long connections made with a replaced certificate stay open for calls already on them.
    /// New calls always use the newest certificate. At least <see cref="CallTimeout"/>. Default 30 seconds.
    /// </summary>
    public TimeSpan RetiredConnectionGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Clock for renewal and backoff; tests may replace it. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the library logs (serials, paths and status codes; never keys or credential values). Default none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        if (ServerAddress is not { IsAbsoluteUri: true } address || address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("ServerAddress must be an absolute https:// address.", nameof(ServerAddress));
        }

        ArgumentException.ThrowIfNullOrEmpty(CertificatePath);
        ArgumentException.ThrowIfNullOrEmpty(KeyPath);
        ArgumentException.ThrowIfNullOrEmpty(CaBundlePath);
        if (RenewAtFractionOfLifetime is <= 0 or >= 1 || double.IsNaN(RenewAtFractionOfLifetime))
        {
            throw new ArgumentException("RenewAtFractionOfLifetime must be between 0 and 1 exclusive.", nameof(RenewAtFractionOfLifetime));
        }

        foreach (var (value, name) in new[] { (FileCheckInterval, nameof(FileCheckInterval)), (CallTimeout, nameof(CallTimeout)), (ConnectTimeout, nameof(ConnectTimeout)) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException(name + " must be positive.", name);
            }
        }

        if (RetiredConnectionGrace < CallTimeout)
        {
            // Shorter would close a connection under a call still within its deadline.
            throw new ArgumentException("RetiredConnectionGrace must be at least CallTimeout.", nameof(RetiredConnectionGrace));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
