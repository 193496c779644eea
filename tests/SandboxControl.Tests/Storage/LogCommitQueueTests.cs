using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.LogCommit;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class LogCommitQueueTests
{
    private static readonly LogLineRecord Line = new(DateTimeOffset.UnixEpoch, LogSeverity.Info, "s", "m");

    [Fact]
    public async Task Flooding_OtherSandboxServedInTheNextBatch_NotAfterTheFloodsQueue()
    {
        var store = BatchRecordingStore.Create(out var recorder);
        await using var queue = new LogCommitQueue(store, Options(maxBatchLines: 3, maxQueued: 64));
        var first = await AppendFirstBatchAsync(queue, recorder, "flood");
        var flood = Enumerable.Range(0, 20).Select(_ => Append(queue, "flood")).ToList();
        var victim = Append(queue, "victim");

        recorder.Release.SetResult();
        await Task.WhenAll([first, victim, .. flood]).WaitAsync(TimeSpan.FromSeconds(10));

        var batches = recorder.Batches.ToList();
        Assert.Equal(["flood"], batches[0]);
        // Round robin: one message per sandbox per turn, so the victim is in the second batch, not the eighth.
        Assert.Contains("victim", batches[1]);
        Assert.Equal(22, batches.Sum(batch => batch.Count));
        Assert.True(batches.Count < 22, "messages waiting together share a commit");
    }

    [Fact]
    public async Task PerSandboxBound_FullQueueRefused_OtherSandboxesStillAccepted()
    {
        var store = BatchRecordingStore.Create(out var recorder);
        await using var queue = new LogCommitQueue(store, Options(maxBatchLines: 100, maxQueued: 4));
        var first = await AppendFirstBatchAsync(queue, recorder, "flood");
        var waiting = Enumerable.Range(0, 4).Select(_ => Append(queue, "flood")).ToList();

        // Refused at once, before anything is queued.
        Assert.Null(TryAppend(queue, "flood", readAhead: false));
        var other = Append(queue, "other");
        recorder.Release.SetResult();
        await Task.WhenAll([first, other, .. waiting]).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ReadAhead_TakesOnlyTheLowerHalf_TheRestStaysForStreamsWithNothingWaiting()
    {
        var store = BatchRecordingStore.Create(out var recorder);
        await using var queue = new LogCommitQueue(store, Options(maxBatchLines: 100, maxQueued: 4));
        var first = await AppendFirstBatchAsync(queue, recorder, "s");

        var aheads = new[] { TryAppend(queue, "s", readAhead: true), TryAppend(queue, "s", readAhead: true) };
        Assert.All(aheads, Assert.NotNull);
        Assert.Null(TryAppend(queue, "s", readAhead: true));
        var firsts = new[] { TryAppend(queue, "s", readAhead: false), TryAppend(queue, "s", readAhead: false) };
        Assert.All(firsts, Assert.NotNull);
        Assert.Null(TryAppend(queue, "s", readAhead: false));

        recorder.Release.SetResult();
        await Task.WhenAll([first, .. aheads!, .. firsts!]).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ReadAheadRefusedWithNothingQueued_LeavesNoEmptyQueue_LaterMessagesStillCommitted()
    {
        var store = BatchRecordingStore.Create(out var recorder);
        await using var queue = new LogCommitQueue(store, Options(maxBatchLines: 100, maxQueued: 1));

        // With a cap of 1 a read-ahead message never gets a place, even when the sandbox has nothing queued.
        Assert.Null(TryAppend(queue, "s", readAhead: true));
        var other = Append(queue, "other");
        recorder.Release.SetResult();
        await other.WaitAsync(TimeSpan.FromSeconds(10));
        var next = Append(queue, "s");

        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, recorder.Batches.Sum(batch => batch.Count));
    }

    [Fact]
    public async Task StoreFails_EveryMessageOfTheBatchFails_NoneAcknowledged()
    {
        var store = BatchRecordingStore.Create(out var recorder);
        recorder.Failure = new IOException("disk full");
        await using var queue = new LogCommitQueue(store, Options(maxBatchLines: 100, maxQueued: 4));

        var a = Append(queue, "a");
        var b = Append(queue, "b");
        recorder.Release.SetResult();

        await Assert.ThrowsAsync<IOException>(() => a);
        await Assert.ThrowsAsync<IOException>(() => b);
    }

    private static Task<long?> Append(LogCommitQueue queue, string sandboxId) =>
        TryAppend(queue, sandboxId, readAhead: false) ?? throw new InvalidOperationException("queue full");

    private static Task<long?>? TryAppend(LogCommitQueue queue, string sandboxId, bool readAhead) =>
        queue.TryAppend(sandboxId, null, [Line], readAhead, CancellationToken.None);

    /// <summary>Appends one message and waits until its batch is in the store, held there until Release.</summary>
    private static async Task<Task<long?>> AppendFirstBatchAsync(LogCommitQueue queue, BatchRecordingStore recorder, string sandboxId)
    {
        var first = Append(queue, sandboxId);
        await recorder.FirstBatchStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return first;
    }

    private static IOptions<StorageOptions> Options(int maxBatchLines, int maxQueued) =>
        Microsoft.Extensions.Options.Options.Create(new StorageOptions { LogBatchMaxLines = maxBatchLines, LogQueueMaxMessagesPerSandbox = maxQueued });

    /// <summary>A store that only records log batches; the first batch waits for Release.</summary>
#pragma warning disable CA1852 // DispatchProxy derives from it at run time.
    internal class BatchRecordingStore : DispatchProxy
#pragma warning restore CA1852
    {
        public ConcurrentQueue<List<string>> Batches { get; } = new();

        public TaskCompletionSource FirstBatchStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Exception? Failure { get; set; }

        public static ISandboxStore Create(out BatchRecordingStore recorder)
        {
            var store = Create<ISandboxStore, BatchRecordingStore>();
            recorder = (BatchRecordingStore)(object)store;
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(ISandboxStore.AppendLogBatchAsync)
                ? AppendAsync((IReadOnlyList<LogAppend>)args![0]!)
                : throw new NotSupportedException(targetMethod?.Name);

        private async Task<IReadOnlyList<long?>> AppendAsync(IReadOnlyList<LogAppend> appends)
        {
            FirstBatchStarted.TrySetResult();
            await Release.Task;
            if (Failure is not null)
            {
                throw Failure;
            }

            Batches.Enqueue([.. appends.Select(append => append.SandboxId)]);
            return [.. appends.Select(_ => (long?)1)];
        }
    }
}
