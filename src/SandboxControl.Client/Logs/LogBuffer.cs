using SandboxControl.V1;

namespace SandboxControl.Client.Logs;

/// <summary>Bounded FIFO of lines not yet taken for sending; when full, the oldest line goes.</summary>
internal sealed class LogBuffer(int capacity)
{
    private readonly Queue<LogLine> _lines = new();
    private readonly Lock _gate = new();
    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    /// <returns>The number of lines now buffered.</returns>
    public int Add(LogLine line)
    {
        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
                Interlocked.Increment(ref _dropped);
            }

            _lines.Enqueue(line);
            return _lines.Count;
        }
    }

    /// <summary>Removes and returns the oldest lines, up to a count and an encoded size (always at least one line if any).</summary>
    public List<LogLine> Take(int maxLines, int maxBytes)
    {
        var batch = new List<LogLine>();
        var bytes = 0;
        lock (_gate)
        {
            while (batch.Count < maxLines && _lines.TryPeek(out var next))
            {
                var size = next.CalculateSize() + 4;
                if (batch.Count > 0 && bytes + size > maxBytes)
                {
                    break;
                }

                batch.Add(_lines.Dequeue());
                bytes += size;
            }
        }

        return batch;
    }
}
