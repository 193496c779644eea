namespace SandboxControl.Server.Audit.Index;

/// <summary>The whole lines of an audit file between two offsets, each with its offset, without the newline.</summary>
internal static class AuditLines
{
    private const int MaxLineBytes = 64 * 1024;

    public static IEnumerable<(long Offset, byte[] Line)> Read(Stream stream, long from, long to)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Position = from;
        var line = new MemoryStream();
        var lineStart = from;
        var position = from;
        var chunk = new byte[64 * 1024];
        while (position < to)
        {
            var read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, to - position));
            if (read == 0)
            {
                yield break;
            }

            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (chunk[i] != (byte)'\n')
                {
                    continue;
                }

                line.Write(chunk, start, i - start);
                if (line.Length is > 0 and <= MaxLineBytes)
                {
                    yield return (lineStart, line.ToArray());
                }

                line.SetLength(0);
                start = i + 1;
                lineStart = position + start;
            }

            if (line.Length <= MaxLineBytes)
            {
                line.Write(chunk, start, read - start);
            }

            position += read;
        }
    }
}
