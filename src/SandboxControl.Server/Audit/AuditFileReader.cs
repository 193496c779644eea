using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Audit;

/// <summary>
/// Reads the audit file for ListAuditEvents. A line that is not a whole event — a fragment a crash or a full disk
/// left, or a last line without its newline — is skipped and counted, never returned as an event.
/// </summary>
internal sealed class AuditFileReader(IOptions<AuditOptions> options, ILogger<AuditFileReader> logger)
{
    private const int MaxLineBytes = 64 * 1024;

    public async Task<AuditPage> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = Path.GetFullPath(options.Value.Path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        if (query.Offset > stream.Length)
        {
            // The file was rotated since the token was made: start over in the new one.
            return new AuditPage([], 0, 0);
        }

        stream.Position = query.Offset;
        var events = new List<AuditEvent>();
        var skipped = 0;
        var chunkStart = query.Offset;
        var line = new MemoryStream();
        var overlong = false;
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (chunk[i] != (byte)'\n')
                {
                    continue;
                }

                line.Write(chunk, start, i - start);
                start = i + 1;
                var e = overlong ? null : Parse(line);
                if (e is null && (overlong || line.Length > 0))
                {
                    skipped++;
                }
                else if (e is not null && query.Matches(e) && Add(events, e, query.Limit))
                {
                    return new AuditPage(events, chunkStart + start, skipped);
                }

                line.SetLength(0);
                overlong = false;
            }

            // No event is this long: keep counting it as one bad line, without holding it in memory.
            overlong |= line.Length + (read - start) > MaxLineBytes;
            if (!overlong)
            {
                line.Write(chunk, start, read - start);
            }

            chunkStart += read;
        }

        if (line.Length > 0 || overlong)
        {
            // A last line without its newline: torn by a crash mid-write (or being written right now).
            skipped++;
            Log.AuditTornLineSkipped(logger, path, chunkStart - line.Length);
        }

        return new AuditPage(events, null, skipped);
    }

    /// <summary>Adds the event; true when the page is full.</summary>
    private static bool Add(List<AuditEvent> events, AuditEvent e, int limit)
    {
        events.Add(e);
        return events.Count == limit;
    }

    private static AuditEvent? Parse(MemoryStream line)
    {
        if (line.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(line.GetBuffer().AsSpan(0, (int)line.Length), AuditJsonContext.Default.AuditEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
