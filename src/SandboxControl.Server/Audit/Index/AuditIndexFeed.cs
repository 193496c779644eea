using System.Threading.Channels;

namespace SandboxControl.Server.Audit.Index;

/// <summary>
/// Lines the audit sink has made durable, on their way to the index. Bounded and never waited on: the sink must
/// not slow down or fail because the index is behind. A line dropped here is still in the file; the shipper's
/// catch-up at the next start reads the file from its mark.
/// </summary>
internal sealed class AuditIndexFeed
{
    public const int Capacity = 100_000;

    private readonly Channel<DurableAuditLine> _lines = Channel.CreateBounded<DurableAuditLine>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private long _dropped;

    public ChannelReader<DurableAuditLine> Reader => _lines.Reader;

    /// <summary>Lines that did not fit since the start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Post(DurableAuditLine line)
    {
        if (!_lines.Writer.TryWrite(line))
        {
            Interlocked.Increment(ref _dropped);
        }
    }
}

/// <summary>One line of the audit file after its fsync; <see cref="Generation"/> counts the files the sink opened.</summary>
internal sealed record DurableAuditLine(long Generation, long Offset, byte[] Line);
