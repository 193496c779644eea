using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Metrics;

namespace SandboxControl.Server.Audit;

/// <summary>
/// Appends one JSON object per line with group commit: a dedicated writer takes every event queued while the
/// previous write was in progress, appends them with one write(2) and one fsync, and only then lets their calls
/// proceed. A batch that fails is refused as a whole and never retried (the file is cut back to where it was, or
/// the next batch starts on a fresh line so a torn fragment stays a line of its own). Like Vault's audit device it
/// fails closed.
/// </summary>
internal sealed class FileAuditSink : IAuditSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly string _path;
    private readonly bool _fsync;
    private readonly string _replica;
    private readonly TimeProvider _time;
    private readonly ILogger<FileAuditSink> _logger;
    private readonly Thread _writer;
    private List<Pending> _queue = [];
    private AppendOnlyFile? _file;
    private bool _mayEndTorn;
    private bool _failing;
    private bool _closed;
    private readonly Index.AuditIndexFeed? _indexFeed;
    private long _generation = 1;

    public FileAuditSink(IOptions<AuditOptions> options, TimeProvider time, ILogger<FileAuditSink> logger, Index.AuditIndexing? indexing = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _path = Path.GetFullPath(options.Value.Path);
        _fsync = options.Value.Fsync;
        _replica = AuditText.Sanitize(options.Value.Replica) ?? string.Empty;
        _time = time;
        _logger = logger;
        // Opened here so an unwritable file stops the server before the port opens (the validator reports why).
        _file = AppendOnlyFile.Open(_path);
        InitialLength = _file.Length();
        _indexFeed = indexing?.Feed;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "audit-writer" };
        _writer.Start();
    }

    /// <summary>Batches written so far: fewer than events when group commit shares writes (tests and the bench read it).</summary>
    public long Batches { get; private set; }

    /// <summary>The file's length when this process opened it: what earlier processes wrote.</summary>
    public long InitialLength { get; }

    public Task WriteAsync(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        // Serialized on the caller's thread: the writer only concatenates, so it is never the CPU bottleneck.
        var pending = new Pending(Serialize(auditEvent), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (_closed)
            {
                return Task.FromException(new ObjectDisposedException(nameof(FileAuditSink)));
            }

            _queue.Add(pending);
            if (_queue.Count == 1)
            {
                _signal.Release();
            }
        }

        return pending.Done.Task;
    }

    /// <summary>
    /// Records that the server stops and closes the file; returns why that failed (one line), or null. Events still
    /// queued are written first.
    /// </summary>
    public async Task<string?> CloseAsync()
    {
        var stopping = new AuditEvent(_time.GetUtcNow(), "server", null, "server/stop", null, true, "OK", "server stopping");
        try
        {
            await WriteAsync(stopping).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return $"the audit file {_path} could not be written at shutdown ({ex.Message}); calls refused since then are not in it";
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _signal.Release();
        }

        _writer.Join();
        _file?.Dispose();
        _file = null;
        _signal.Dispose();
    }

    private byte[] Serialize(AuditEvent e) =>
        JsonSerializer.SerializeToUtf8Bytes(
            e with { Caller = AuditText.Sanitize(e.Caller)!, Target = AuditText.Sanitize(e.Target), Replica = _replica },
            AuditJsonContext.Default.AuditEvent);

    private void WriteLoop()
    {
        while (true)
        {
            _signal.Wait();
            List<Pending> batch;
            bool closed;
            lock (_gate)
            {
                batch = _queue;
                _queue = [];
                closed = _closed;
            }

            if (batch.Count > 0)
            {
                var stage = StageTiming.Start();
                WriteBatch(batch);
                StageTiming.Stop(Stage.AuditBatch, stage);
            }

            if (closed)
            {
                return;
            }
        }
    }

    private void WriteBatch(List<Pending> batch)
    {
        var buffer = new ArrayBufferWriter<byte>(batch.Count * 256);
        try
        {
            var file = EnsureOpen(buffer);
            if (_mayEndTorn)
            {
                // A failed write may have left part of a line: end it, so it stays one line a reader skips.
                buffer.Write("\n"u8);
            }

            var firstEvent = buffer.WrittenCount;
            foreach (var pending in batch)
            {
                buffer.Write(pending.Line);
                buffer.Write("\n"u8);
            }

            var before = Append(file, buffer.WrittenSpan);
            Batches++;
            PostToIndex(buffer.WrittenSpan, before, firstEvent, batch);
            if (_failing)
            {
                _failing = false;
                Log.AuditRecovered(_logger, _path);
            }
        }
        catch (IOException ex)
        {
            // Never retried: these calls are refused now, so their events must not appear later.
            _failing = true;
            _file?.Dispose();
            _file = null;
            Log.AuditBatchFailed(_logger, batch.Count, _path, ex.Message);
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(ex);
            }

            return;
        }

        foreach (var pending in batch)
        {
            pending.Done.TrySetResult();
        }
    }

    /// <summary>Returns the file's length before the append.</summary>
    private long Append(AppendOnlyFile file, ReadOnlySpan<byte> bytes)
    {
        var before = file.Length();
        try
        {
            file.AppendDurably(bytes, _fsync);
            _mayEndTorn = false;
            return before;
        }
        catch (IOException)
        {
            // Cut back what part of the batch reached the file; an append-only file refuses, so mark the tear.
            _mayEndTorn = !CutBack(file, before);
            throw;
        }
    }

    /// <summary>
    /// Hands the durable lines to the shared index (PostgreSQL only): the reopen note, if this batch starts a file,
    /// and the batch's events, each with its offset in the file.
    /// </summary>
    private void PostToIndex(ReadOnlySpan<byte> written, long before, int firstEvent, List<Pending> batch)
    {
        if (_indexFeed is null)
        {
            return;
        }

        if (firstEvent > 0 && before == 0)
        {
            var note = written[..firstEvent].TrimEnd((byte)'\n');
            _indexFeed.Post(new Index.DurableAuditLine(_generation, 0, note.ToArray()));
        }

        var position = firstEvent;
        foreach (var pending in batch)
        {
            _indexFeed.Post(new Index.DurableAuditLine(_generation, before + position, pending.Line));
            position += pending.Line.Length + 1;
        }
    }

    /// <summary>True if the file ends where it did before the failed batch (nothing written, or cut back).</summary>
    private static bool CutBack(AppendOnlyFile file, long before)
    {
        try
        {
            return file.Length() == before || file.TryTruncate(before);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private AppendOnlyFile EnsureOpen(ArrayBufferWriter<byte> buffer)
    {
        if (_file is { } open && !open.IsDetached())
        {
            return open;
        }

        var detached = _file?.OpenedAs;
        _file?.Dispose();
        _file = null;
        _file = AppendOnlyFile.Open(_path);
        _generation++;
        if (detached is not null)
        {
            // rm or logrotate: say so in the new file, so a reader knows the trail continues from another file.
            Log.AuditFileReopened(_logger, _path, detached);
            var note = new AuditEvent(_time.GetUtcNow(), "server", null, "server/audit-file", null, true, "OK", "previous audit file was deleted or renamed; this file continues the trail");
            buffer.Write(Serialize(note));
            buffer.Write("\n"u8);
            _mayEndTorn = false;
        }

        return _file;
    }

    private sealed record Pending(byte[] Line, TaskCompletionSource Done);
}
