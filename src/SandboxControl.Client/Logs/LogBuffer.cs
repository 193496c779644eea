using SandboxControl.V1;

namespace SandboxControl.Client.Logs;

/// <summary>
/// Bounded FIFO of lines not yet taken for sending, in lines and in encoded bytes; when either bound is
/// exceeded, the oldest lines go. Once closed, nothing more is accepted.
/// </summary>
internal sealed class LogBuffer(int capacity, long capacityBytes)
{
    private readonly Queue<(LogLine Line, int Size)> _lines = new();
    private readonly Lock _gate = new();
    private long _dropped;
    private long _bytes;
    private bool _closed;

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

    /// <summary>Encoded bytes of the buffered lines.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <returns>The number of lines now buffered, or -1 if the buffer is closed (the line is not taken).</returns>
    public int Add(LogLine line)
    {
        var size = SizeOf(line);
        lock (_gate)
        {
            if (_closed)
            {
                return -1;
            }

            // A single line larger than the byte bound is still kept (alone): the line bound alone limits it.
            while (_lines.Count > 0 && (_lines.Count >= capacity || _bytes + size > capacityBytes))
            {
                _bytes -= _lines.Dequeue().Size;
                Interlocked.Increment(ref _dropped);
            }

            _lines.Enqueue((line, size));
            _bytes += size;
            return _lines.Count;
        }
    }

    /// <summary>Removes and returns the oldest lines, up to a count and an encoded size (always at least one line if any).</summary>
    public List<LogLine> Take(int maxLines, int maxBytes)
    {
        var batch = new List<LogLine>();
        var bytes = 0L;
        lock (_gate)
        {
            while (batch.Count < maxLines && _lines.TryPeek(out var next))
            {
                if (batch.Count > 0 && bytes + next.Size > maxBytes)
                {
                    break;
                }

                batch.Add(_lines.Dequeue().Line);
                bytes += next.Size;
                _bytes -= next.Size;
            }
        }

        return batch;
    }

    /// <summary>Closes the buffer if it is empty, atomically with <see cref="Add"/>: no line can slip in after the last drain.</summary>
    public bool TryCloseEmpty()
    {
        lock (_gate)
        {
            _closed |= _lines.Count == 0;
            return _closed;
        }
    }

    /// <summary>Closes the buffer and discards what it holds.</summary>
    /// <returns>The number of lines discarded.</returns>
    public int Close()
    {
        lock (_gate)
        {
            _closed = true;
            var count = _lines.Count;
            _lines.Clear();
            _bytes = 0;
            return count;
        }
    }

    private static int SizeOf(LogLine line) => line.CalculateSize() + 4;
}
