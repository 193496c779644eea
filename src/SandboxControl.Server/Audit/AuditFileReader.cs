using System.Text.Json;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Audit.Index;

namespace SandboxControl.Server.Audit;

/// <summary>
/// Reads the audit file for ListAuditEvents. A line that is not a whole event — a fragment a crash or a full disk
/// left, or a last line without its newline — is skipped and counted, never returned as an event.
/// </summary>
internal sealed class AuditFileReader(IOptions<AuditOptions> options, ILogger<AuditFileReader> logger)
{
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

        var events = new List<AuditEvent>();
        var skipped = 0;
        await foreach (var line in AuditLines.ReadAsync(stream, query.Offset, long.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            if (!line.Whole)
            {
                skipped++;
                Log.AuditTornLineSkipped(logger, path, line.Offset);
                break;
            }

            var e = line.Overlong ? null : Parse(line.Bytes.Span);
            if (e is null)
            {
                if (line.Overlong || line.Bytes.Length > 0)
                {
                    skipped++;
                }
            }
            else if (query.Matches(e))
            {
                events.Add(e);
                if (events.Count == query.Limit)
                {
                    return new AuditPage(events, line.End, skipped);
                }
            }
        }

        return new AuditPage(events, null, skipped);
    }

    /// <summary>The event a line holds, or null if it is not a whole event.</summary>
    public static AuditEvent? Parse(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(line, AuditJsonContext.Default.AuditEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
