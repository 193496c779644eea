using System.Text;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Audit.Index;

/// <summary>
/// Copies this replica's audit events into the shared index. At start it ships what the file held before this
/// process wrote to it, from the replica's mark on; then the lines the sink made durable, in batches. While the
/// index cannot be written it retries the same batch (the file keeps the record meanwhile); a bounded feed means
/// a long outage drops lines from the index only, and the next start's catch-up reads them back from the file if
/// it was not rotated in between.
/// </summary>
internal sealed class AuditIndexShipper(
    AuditIndexing indexing,
    FileAuditSink sink,
    IOptions<AuditOptions> options,
    ILogger<AuditIndexShipper> logger) : BackgroundService
{
    private const int MaxBatch = 1000;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly string _path = Path.GetFullPath(options.Value.Path);
    private readonly string _replica = AuditText.Sanitize(options.Value.Replica) ?? string.Empty;
    private readonly Dictionary<long, string?> _keys = [];
    private long _reportedDrops;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (indexing.Feed is not { } feed || indexing.Index is not { } index)
        {
            return;
        }

        try
        {
            await WithRetryAsync(token => CatchUpAsync(index, token), stoppingToken).ConfigureAwait(false);
            var batch = new List<ShippedAuditLine>();
            while (await feed.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                AuditShippingMark? mark = null;
                while (batch.Count < MaxBatch && feed.Reader.TryRead(out var line))
                {
                    if (KeyOf(line) is { } key && AuditFileReader.Parse(line.Line) is { } shipped)
                    {
                        batch.Add(new ShippedAuditLine(key, line.Offset, shipped, Encoding.UTF8.GetString(line.Line)));
                        mark = new AuditShippingMark(key, line.Offset + line.Line.Length + 1);
                    }
                }

                if (mark is not null)
                {
                    await WithRetryAsync(token => index.StoreAsync(_replica, batch, mark, token), stoppingToken).ConfigureAwait(false);
                }

                ReportDrops(feed);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Ships the lines the file held before this process wrote to it, from the replica's mark on.</summary>
    private async Task CatchUpAsync(IAuditIndex index, CancellationToken cancellationToken)
    {
        if (sink.InitialLength == 0 || AuditFileKey.OfFileAt(_path) is not { } key)
        {
            return;
        }

        var mark = await index.GetShippingMarkAsync(_replica, cancellationToken).ConfigureAwait(false);
        var offset = mark is not null && mark.FileKey == key ? mark.Offset : 0;
        await using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        var batch = new List<ShippedAuditLine>();
        await foreach (var line in AuditLines.ReadAsync(stream, offset, sink.InitialLength, cancellationToken).ConfigureAwait(false))
        {
            if (!line.Whole)
            {
                break;
            }

            if (!line.Overlong && AuditFileReader.Parse(line.Bytes.Span) is { } shipped)
            {
                batch.Add(new ShippedAuditLine(key, line.Offset, shipped, Encoding.UTF8.GetString(line.Bytes.Span)));
            }

            offset = line.End;
            if (batch.Count == MaxBatch)
            {
                await index.StoreAsync(_replica, batch, new AuditShippingMark(key, offset), cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        await index.StoreAsync(_replica, batch, new AuditShippingMark(key, offset), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lines the full feed could not take are in the file but not in the index: say so, once per count.</summary>
    private void ReportDrops(AuditIndexFeed feed)
    {
        var dropped = feed.Dropped;
        if (dropped > _reportedDrops)
        {
            Log.AuditIndexLinesDropped(logger, dropped - _reportedDrops, _path);
            _reportedDrops = dropped;
        }
    }

    /// <summary>A file is known by its first line: the sink hands it over at offset 0, or it is read from the path.</summary>
    private string? KeyOf(DurableAuditLine line)
    {
        if (line.Offset == 0)
        {
            return _keys[line.Generation] = AuditFileKey.Of(line.Line);
        }

        if (!_keys.TryGetValue(line.Generation, out var key))
        {
            key = _keys[line.Generation] = TryKeyOfFileAt();
        }

        return key;
    }

    private string? TryKeyOfFileAt()
    {
        try
        {
            return AuditFileKey.OfFileAt(_path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task WithRetryAsync(Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        var failing = false;
        while (true)
        {
            try
            {
                await work(stoppingToken).ConfigureAwait(false);
                if (failing)
                {
                    Log.AuditIndexRecovered(logger);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    Log.AuditIndexFailing(logger, ex.GetType().Name, ex.Message);
                    failing = true;
                }

                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}
