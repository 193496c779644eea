using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class SandboxStoreLogTests
{
    private static readonly DateTimeOffset BaseTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task AppendLogs_OverRetentionCap_KeepsNewestAndSequencesKeepIncreasing(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync(logRetentionLines: 5);
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        Assert.Equal(3, await store.AppendLogsAsync("alpha", Lines(0, 3), CancellationToken.None));
        Assert.Equal(7, await store.AppendLogsAsync("alpha", Lines(3, 4), CancellationToken.None));
        var afterFirstTrim = await store.ReadLogsAsync("alpha", 0, null, 100, CancellationToken.None);
        Assert.Equal([3L, 4, 5, 6, 7], afterFirstTrim.Select(line => line.Sequence));
        Assert.Equal(["line-2", "line-3", "line-4", "line-5", "line-6"], afterFirstTrim.Select(line => line.Message));

        Assert.Equal(19, await store.AppendLogsAsync("alpha", Lines(7, 12), CancellationToken.None));
        var afterSecondTrim = await store.ReadLogsAsync("alpha", 0, null, 100, CancellationToken.None);
        Assert.Equal([15L, 16, 17, 18, 19], afterSecondTrim.Select(line => line.Sequence));
        // The 12-line message straddles the cutoff: SQLite keeps it as one row, PostgreSQL keeps the 5 lines.
        Assert.Equal(engine == StoreEngine.Sqlite ? 12 : 5, await harness.StoredLogLinesAsync());
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task AppendLogs_AfterReopen_SequenceContinues(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync(logRetentionLines: 2);
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        await store.AppendLogsAsync("alpha", Lines(0, 4), CancellationToken.None);
        StoreHarness.Close(store);

        var reopened = await harness.OpenStoreAsync(logRetentionLines: 2);

        Assert.Equal(5, await reopened.AppendLogsAsync("alpha", Lines(4, 1), CancellationToken.None));
        Assert.Equal([4L, 5], (await reopened.ReadLogsAsync("alpha", 0, null, 10, CancellationToken.None)).Select(line => line.Sequence));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task AppendLogs_EmptyBatchOrMissingSandbox_LastSequenceOrNull(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        await store.AppendLogsAsync("alpha", Lines(0, 2), CancellationToken.None);

        Assert.Equal(2, await store.AppendLogsAsync("alpha", [], CancellationToken.None));
        Assert.Null(await store.AppendLogsAsync("ghost", Lines(0, 1), CancellationToken.None));
        Assert.Null(await store.AppendLogsAsync("ghost", [], CancellationToken.None));
        Assert.Equal(2, await harness.StoredLogLinesAsync());
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task ReadLogs_AfterSinceAndLimit_FilterInSequenceOrder(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        await store.CreateSandboxAsync("other", null, "operator/admin", CancellationToken.None);
        await store.AppendLogsAsync("alpha", Lines(0, 10), CancellationToken.None);
        await store.AppendLogsAsync("other", Lines(0, 10), CancellationToken.None);

        var after = await store.ReadLogsAsync("alpha", 6, null, 100, CancellationToken.None);
        var since = await store.ReadLogsAsync("alpha", 0, BaseTime.AddSeconds(5), 100, CancellationToken.None);
        var limited = await store.ReadLogsAsync("alpha", 2, BaseTime.AddSeconds(1), 3, CancellationToken.None);

        Assert.Equal([7L, 8, 9, 10], after.Select(line => line.Sequence));
        Assert.Equal([6L, 7, 8, 9, 10], since.Select(line => line.Sequence));
        Assert.Equal([3L, 4, 5], limited.Select(line => line.Sequence));
        var first = limited[0];
        Assert.Equal(new StoredLogLine(3, BaseTime.AddSeconds(2), LogSeverity.Warn, "agent", "line-2"), first);
        Assert.Empty(await store.ReadLogsAsync("ghost", 0, null, 10, CancellationToken.None));
    }

    private static LogLineRecord[] Lines(int first, int count) =>
        Enumerable.Range(first, count)
            .Select(i => new LogLineRecord(BaseTime.AddSeconds(i), i % 2 == 0 ? LogSeverity.Warn : LogSeverity.Info, "agent", $"line-{i}"))
            .ToArray();
}
