using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Identity;

/// <summary>
/// Revoked certificate serials, read from a file and re-read when it changes. We use our own list
/// instead of online revocation: OCSP/CRL fetches on the handshake path can hang new connections.
/// </summary>
internal sealed class CertificateDenyList
{
    private readonly string? _path;
    private readonly ILogger<CertificateDenyList> _logger;
    private volatile FrozenSet<string> _serials = FrozenSet<string>.Empty;
    private (DateTime WriteTime, long Length) _loadedVersion;

    public CertificateDenyList(IOptions<IdentityOptions> options, ILogger<CertificateDenyList> logger)
    {
        _path = options.Value.DenyListPath is { Length: > 0 } path ? path : null;
        _logger = logger;
        Refresh();
    }

    public bool IsConfigured => _path is not null;

    public bool IsDenied(string serialNumber) => _serials.Contains(Normalize(serialNumber));

    /// <summary>Re-reads the file if its timestamp or size changed. A read failure keeps the last list.</summary>
    public void Refresh()
    {
        if (_path is null)
        {
            return;
        }

        try
        {
            var info = new FileInfo(_path);
            // A deleted or unreadable list must not silently un-revoke every certificate: keep the last one.
            if (!info.Exists)
            {
                Log.DenyListMissing(_logger, _path);
                return;
            }

            var version = (info.LastWriteTimeUtc, info.Length);
            if (version == _loadedVersion)
            {
                return;
            }

            var serials = Parse(File.ReadAllLines(_path));
            _serials = serials;
            _loadedVersion = version;
            Log.DenyListLoaded(_logger, serials.Count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.DenyListReadFailed(_logger, ex);
        }
    }

    internal static FrozenSet<string> Parse(IEnumerable<string> lines)
    {
        HashSet<string> serials = new(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash].Trim();
            }

            if (line.Length > 0)
            {
                serials.Add(Normalize(line));
            }
        }

        return serials.ToFrozenSet(StringComparer.Ordinal);
    }

    private static string Normalize(string serial) =>
        serial.Replace(":", "", StringComparison.Ordinal).TrimStart('0').ToUpperInvariant();
}
