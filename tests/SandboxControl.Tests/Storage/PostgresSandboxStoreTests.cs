using SandboxControl.Server.Audit;
using SandboxControl.Server.Audit.Index;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Postgres;
using Xunit;

namespace SandboxControl.Tests.Storage;

/// <summary>What only the shared engine does: concurrent migrations, cross-instance freshness, failing closed.</summary>
public sealed class PostgresSandboxStoreTests : IDisposable
{
    private readonly Lazy<PostgresStoreHarness> _harness = new(() => new PostgresStoreHarness());

    private PostgresStoreHarness Harness => _harness.Value;

    public void Dispose()
    {
        if (_harness.IsValueCreated)
        {
            _harness.Value.Dispose();
        }
    }

    [PostgresFact]
    public async Task Initialize_FourInstancesAtOnce_MigrateOnceAndAllOpen()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Harness.OpenStoreAsync())));

        Assert.Equal(PostgresMigrations.LatestVersion, await Harness.ScalarAsync("SELECT COUNT(*) FROM schema_version;"));
        Assert.NotNull(await stores[3].CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None));
    }

    [PostgresFact]
    public async Task Initialize_NewerSchemaVersion_Throws()
    {
        StoreHarness.Close(await Harness.OpenStoreAsync());
        await Harness.ExecuteAsync("INSERT INTO schema_version (version) VALUES (99);");

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => Harness.OpenStoreAsync());
        Assert.Contains("99", exception.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task OtherInstance_CreateDeleteAndAppend_SeenWithinOneSecond()
    {
        var writer = await Harness.OpenStoreAsync();
        var reader = await Harness.OpenStoreAsync();
        var changed = new List<string>();
        reader.SandboxChanged += (_, e) =>
        {
            lock (changed)
            {
                changed.Add(e.SandboxId);
            }
        };

        var created = await writer.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        await WaitUntilAsync(() => reader.GetSandboxCreatedAt("alpha") == created!.CreatedAt);
        await writer.AppendLogsAsync("alpha", [new LogLineRecord(DateTimeOffset.UtcNow, LogSeverity.Info, "agent", "hi")], CancellationToken.None);
        await WaitUntilAsync(() => { lock (changed) { return changed.Count >= 2; } });
        await writer.DeleteSandboxAsync("alpha", CancellationToken.None);
        await WaitUntilAsync(() => reader.GetSandboxCreatedAt("alpha") is null);
    }

    [PostgresFact]
    public async Task ListenerConnectionLost_DeleteMeanwhile_SeenAfterReconnect()
    {
        var writer = await Harness.OpenStoreAsync();
        var reader = await Harness.OpenStoreAsync();
        await writer.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        await WaitUntilAsync(() => reader.GetSandboxCreatedAt("alpha") is not null);

        await TerminateListenersAsync((await Harness.ScalarTextAsync("SELECT current_database();"))!);
        await writer.DeleteSandboxAsync("alpha", CancellationToken.None);

        // Reconnect delay plus a full reload, on a loaded CI machine. Still far inside the 30 s staleness bound,
        // so only the reload (not failing closed) can make the sandbox disappear here.
        await WaitUntilAsync(() => reader.GetSandboxCreatedAt("alpha") is null, TimeSpan.FromSeconds(5));
    }

    [PostgresFact]
    public async Task ListenerDownPastMaxStaleness_FailsClosedThenRecovers()
    {
        var store = await Harness.OpenPostgresStoreAsync(maxStaleness: TimeSpan.FromMilliseconds(500));
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        Assert.NotNull(store.GetSandboxCreatedAt("alpha"));

        // No new connections: the listener cannot come back, so the directory can no longer be confirmed.
        var database = (await Harness.ScalarTextAsync("SELECT current_database();"))!;
        await TerminateListenersAsync(database);
        await PostgresStoreHarness.ExecuteOnServerAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false;");
        try
        {
            await TerminateListenersAsync(database);
            await WaitUntilAsync(() => store.GetSandboxCreatedAt("alpha") is null, TimeSpan.FromSeconds(3));
        }
        finally
        {
            await PostgresStoreHarness.ExecuteOnServerAsync($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true;");
        }

        await WaitUntilAsync(() => store.GetSandboxCreatedAt("alpha") is not null, TimeSpan.FromSeconds(5));
    }

    // Audit:IndexRetention: the shared audit index forgets events by the age the database recorded, in bounded steps.
    [PostgresFact]
    public async Task DeleteStoredBefore_OnlyEventsStoredLongerAgoGo_WhateverTheirOwnTime()
    {
        var index = (IAuditIndex)await Harness.OpenStoreAsync();
        // Event times are the replicas' clocks: one far in the future, one far in the past. Neither decides.
        await StoreAuditEventsAsync(index, "r1", ("old-1", DateTimeOffset.UtcNow.AddYears(5)), ("old-2", DateTimeOffset.UtcNow), ("new-1", DateTimeOffset.UnixEpoch.AddDays(1)));
        await Harness.ExecuteAsync("UPDATE audit_events SET stored_at = now() - interval '100 days' WHERE caller LIKE 'old-%';");

        var deleted = await index.DeleteStoredBeforeAsync(TimeSpan.FromDays(90), 1000, CancellationToken.None);

        Assert.Equal(2, deleted);
        var left = await index.QueryAsync(new AuditQuery(null, null, null, null, null, null, 0, 100), null, CancellationToken.None);
        Assert.Equal(["new-1"], left.Events.Select(e => e.Caller));
    }

    [PostgresFact]
    public async Task DeleteStoredBefore_DeletesAtMostTheLimitPerCall()
    {
        var index = (IAuditIndex)await Harness.OpenStoreAsync();
        await StoreAuditEventsAsync(index, "r1", ("a", DateTimeOffset.UtcNow), ("b", DateTimeOffset.UtcNow), ("c", DateTimeOffset.UtcNow));
        await Harness.ExecuteAsync("UPDATE audit_events SET stored_at = now() - interval '2 days';");

        Assert.Equal(2, await index.DeleteStoredBeforeAsync(TimeSpan.FromDays(1), 2, CancellationToken.None));
        Assert.Equal(1, await index.DeleteStoredBeforeAsync(TimeSpan.FromDays(1), 2, CancellationToken.None));
        Assert.Equal(0, await Harness.ScalarAsync("SELECT COUNT(*) FROM audit_events;"));
    }

    // From the server's own database: the test's database may be refusing connections.
    private static Task TerminateListenersAsync(string database) =>
        PostgresStoreHarness.ExecuteOnServerAsync(
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND application_name = '{PostgresSandboxStore.ListenerApplicationName}';");

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(1));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

    private static Task StoreAuditEventsAsync(IAuditIndex index, string replica, params (string Caller, DateTimeOffset Time)[] events)
    {
        var lines = events.Select((e, i) =>
        {
            var auditEvent = new AuditEvent(e.Time, e.Caller, null, "GetSandboxPolicy", "s1", true, "OK", "test", Replica: replica);
            return new ShippedAuditLine("file-1", i * 100L, auditEvent, System.Text.Json.JsonSerializer.Serialize(auditEvent, AuditJsonContext.Default.AuditEvent));
        }).ToList();
        return index.StoreAsync(replica, lines, new AuditShippingMark("file-1", events.Length * 100L), CancellationToken.None);
    }
}
