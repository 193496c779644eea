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

    /// <summary>Raised after a new list is loaded, so idle streams re-check their caller now rather than at their next message.</summary>
    public event EventHandler? Changed;

    public bool IsDenied(string serialNumber)
    {
        var serials = _serials;
        // Checked on every call: with no list configured, skip normalizing the serial.
        return serials.Count > 0 && serials.Contains(Normalize(serialNumber));
    }

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

            var rejected = new List<(int Line, string Text)>();
            var serials = Parse(File.ReadAllLines(_path), rejected);
            foreach (var (line, text) in rejected)
            {
                Log.DenyListLineRejected(_logger, _path, line, text);
            }

            _serials = serials;
            _loadedVersion = version;
            Log.DenyListLoaded(_logger, serials.Count);
            Changed?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.DenyListReadFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Hex serials, one per line, ':' separators and '#' comments allowed. A line that is not a hex serial (e.g.
    /// "0x0ABC", which would otherwise revoke nothing without a word) is skipped and reported in <paramref name="rejected"/>
    /// with its 1-based line number and a printable excerpt.
    /// </summary>
    internal static FrozenSet<string> Parse(IEnumerable<string> lines, ICollection<(int Line, string Text)>? rejected = null)
    {
        HashSet<string> serials = new(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash].Trim();
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (CertificateSerials.Normalize(line) is null)
            {
                rejected?.Add((number, Printable(line)));
                continue;
            }

            serials.Add(Normalize(line));
        }

        return serials.ToFrozenSet(StringComparer.Ordinal);
    }

    // The file is the operator's, but its text still goes to logs: no control characters, bounded length.
    private static string Printable(string line)
    {
        var excerpt = line.Length > 64 ? line[..64] + "…" : line;
        return string.Create(excerpt.Length, excerpt, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }

    private static string Normalize(string serial) =>
        serial.Replace(":", "", StringComparison.Ordinal).TrimStart('0').ToUpperInvariant();
}
