using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Tls;

/// <summary>
/// Holds the current TLS generation and re-loads it when the certificate, key or CA bundle files
/// change. New handshakes use the new generation; established connections keep theirs. A change
/// that does not load (a key not yet matching its certificate mid-rotation) keeps the old generation.
/// </summary>
internal sealed class TlsMaterialProvider
{
    private readonly TlsOptions _options;
    private readonly ILogger<TlsMaterialProvider> _logger;
    private volatile TlsMaterial _current;
    private string _loadedVersion;

    public TlsMaterialProvider(IOptions<TlsOptions> options, ILogger<TlsMaterialProvider> logger)
    {
        _options = options.Value;
        _logger = logger;
        _loadedVersion = FilesVersion();
        _current = new TlsMaterial(_options);
    }

    public TlsMaterial Current => _current;

    public TimeSpan ReloadInterval => _options.ReloadInterval;

    /// <summary>Loads a new generation if any of the files changed. Returns true if it swapped.</summary>
    public bool Refresh()
    {
        var version = FilesVersion();
        if (version == _loadedVersion)
        {
            return false;
        }

        try
        {
            _current = new TlsMaterial(_options);
            _loadedVersion = version;
            Log.TlsMaterialReloaded(_logger, _current.ServerCertificate.Thumbprint, _current.ClientCertificateAuthorities.Count);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            // Left unchanged so the next poll retries: the other half of a rotation may still be on its way.
            Log.TlsMaterialReloadFailed(_logger, ex.GetType().Name);
            return false;
        }
    }

    private string FilesVersion() =>
        string.Join('|', new[] { _options.ServerCertificatePath, _options.ServerKeyPath, _options.ClientCaPath }.Select(path =>
        {
            var info = new FileInfo(path);
            return info.Exists ? $"{info.LastWriteTimeUtc.Ticks}:{info.Length}" : "missing";
        }));
}
