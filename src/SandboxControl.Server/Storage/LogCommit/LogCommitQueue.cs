using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Storage.LogCommit;

/// <summary>
/// Group commit for pushed log lines, fair across sandboxes. Each sandbox has its own bounded queue; one writer
/// takes one message from each waiting sandbox in turn until the batch holds Storage:LogBatchMaxLines, commits the
/// batch in one transaction (one fsync), and only then acknowledges its messages. While a batch commits the next
/// one gathers, so many streams share a commit; and because a batch is bounded and a flooding sandbox gets one
/// turn per round, it neither fills a batch alone nor makes other writes wait behind more than one batch.
/// </summary>
internal sealed class LogCommitQueue : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<Entry>> _bySandbox = new(StringComparer.Ordinal);
    private readonly Queue<string> _turns = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ISandboxStore _store;
    private readonly int _maxBatchLines;
    private readonly int _maxQueuedPerSandbox;
    private readonly Task _writer;
    private int _queued;
    private bool _disposed;

    public LogCommitQueue(ISandboxStore store, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _maxBatchLines = options.Value.LogBatchMaxLines;
        _maxQueuedPerSandbox = options.Value.LogQueueMaxMessagesPerSandbox;
        MessagesInFlightPerStream = options.Value.LogMessagesInFlightPerStream;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Why a message is refused when its sandbox's queue is full.</summary>
    public const string QueueFull = "too many log messages of this sandbox are waiting to be stored";

    /// <summary>Most messages one stream may have queued here at once (Storage:LogMessagesInFlightPerStream).</summary>
    public int MessagesInFlightPerStream { get; }

    /// <summary>Transactions committed so far (the bench compares it with messages to show how much is shared).</summary>
    public long Commits { get; private set; }

    /// <summary>
    /// Queues one pushed message; the task completes with the last sequence once the lines are durable (null: no
    /// such sandbox). Null at once when the sandbox's queue is full (<see cref="QueueFull"/>). Cancelling stops the
    /// wait, not the write: a queued message may still be stored (at least once, never acknowledged without being
    /// stored). A <paramref name="readAhead"/> message (its stream already has one waiting) gets a place only while the queue is
    /// under half full: the other half stays for streams with nothing waiting, so reading ahead never makes a stream
    /// refused unless the sandbox has more than half the cap of streams open at once.
    /// </summary>
    public Task<long?>? TryAppend(string sandboxId, string? incarnation, IReadOnlyList<LogLineRecord> lines, bool readAhead, CancellationToken cancellationToken)
    {
        var entry = new Entry(new LogAppend(sandboxId, lines, incarnation), new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Refused before a queue is made: an empty queue left in the turns would break the writer's round.
            _bySandbox.TryGetValue(sandboxId, out var queue);
            if ((queue?.Count ?? 0) >= (readAhead ? _maxQueuedPerSandbox / 2 : _maxQueuedPerSandbox))
            {
                return null;
            }

            if (queue is null)
            {
                queue = new Queue<Entry>();
                _bySandbox[sandboxId] = queue;
                _turns.Enqueue(sandboxId);
            }

            queue.Enqueue(entry);
            if (++_queued == 1)
            {
                _signal.Release();
            }
        }

        return entry.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var stopped = new StorageUnavailableException("server stopping");
        lock (_gate)
        {
            foreach (var queue in _bySandbox.Values)
            {
                foreach (var entry in queue)
                {
                    entry.Done.TrySetException(stopped);
                }
            }

            _bySandbox.Clear();
        }

        _stopping.Dispose();
        _signal.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            while (TakeBatch() is { Count: > 0 } batch)
            {
                await CommitAsync(batch, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Round robin: one message per sandbox per turn, until the batch is full or nothing waits.</summary>
    private List<Entry> TakeBatch()
    {
        var batch = new List<Entry>();
        var lines = 0;
        lock (_gate)
        {
            while (lines < _maxBatchLines && _turns.TryDequeue(out var sandboxId))
            {
                var queue = _bySandbox[sandboxId];
                var entry = queue.Dequeue();
                _queued--;
                batch.Add(entry);
                lines += entry.Append.Lines.Count;
                if (queue.Count > 0)
                {
                    _turns.Enqueue(sandboxId);
                }
                else
                {
                    _bySandbox.Remove(sandboxId);
                }
            }
        }

        return batch;
    }

    private async Task CommitAsync(List<Entry> batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<long?> results;
        try
        {
            results = await _store.AppendLogBatchAsync([.. batch.Select(entry => entry.Append)], cancellationToken).ConfigureAwait(false);
            Commits++;
        }
#pragma warning disable CA1031 // Whatever the store threw is handed to every caller of the batch, which maps it to a status.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            foreach (var entry in batch)
            {
                entry.Done.TrySetException(ex);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(results[i]);
        }
    }

    private sealed record Entry(LogAppend Append, TaskCompletionSource<long?> Done);
}
