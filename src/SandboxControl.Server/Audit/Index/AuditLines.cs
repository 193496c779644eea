using System.Runtime.CompilerServices;

namespace SandboxControl.Server.Audit.Index;

/// <summary>
/// The lines of an audit file between two offsets, for ListAuditEvents and for the index's catch-up. A line longer
/// than any event is reported without its bytes (never held whole in memory); a last line without its newline is
/// reported as not whole (torn by a crash mid-write, or being written right now).
/// </summary>
internal static class AuditLines
{
    private const int MaxLineBytes = 64 * 1024;

    /// <summary>Each line's <see cref="AuditFileLine.Bytes"/> are valid until the next line is read.</summary>
    public static async IAsyncEnumerable<AuditFileLine> ReadAsync(Stream stream, long from, long to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Position = from;
        var line = new MemoryStream();
        var overlong = false;
        var lineStart = from;
        var position = from;
        var chunk = new byte[64 * 1024];
        while (position < to)
        {
            var read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, to - position)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (chunk[i] != (byte)'\n')
                {
                    continue;
                }

                if (!overlong)
                {
                    line.Write(chunk, start, i - start);
                }

                start = i + 1;
                yield return new AuditFileLine(lineStart, position + start, line.GetBuffer().AsMemory(0, (int)line.Length), overlong, Whole: true);
                line.SetLength(0);
                overlong = false;
                lineStart = position + start;
            }

            // No event is this long: keep counting it as one bad line, without holding it in memory.
            overlong |= line.Length + (read - start) > MaxLineBytes;
            if (!overlong)
            {
                line.Write(chunk, start, read - start);
            }

            position += read;
        }

        if (line.Length > 0 || overlong)
        {
            yield return new AuditFileLine(lineStart, position, line.GetBuffer().AsMemory(0, (int)line.Length), overlong, Whole: false);
        }
    }
}

/// <summary>One line: where it starts, the offset after its newline, its bytes (empty when overlong).</summary>
internal readonly record struct AuditFileLine(long Offset, long End, ReadOnlyMemory<byte> Bytes, bool Overlong, bool Whole);
