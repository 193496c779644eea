using SandboxControl.Server.Audit;
using SandboxControl.Server.Audit.Index;
using Xunit;

namespace SandboxControl.Tests.Storage;

/// <summary>Audit:IndexRetention: the shared index forgets events by the age the database recorded, in bounded steps.</summary>
public sealed class PostgresAuditIndexRetentionTests : IDisposable
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
    public async Task DeleteStoredBefore_OnlyEventsStoredLongerAgoGo_WhateverTheirOwnTime()
    {
        var index = (IAuditIndex)await Harness.OpenStoreAsync();
        // Event times are the replicas' clocks: one far in the future, one far in the past. Neither decides.
        await StoreAsync(index, "r1", ("old-1", DateTimeOffset.UtcNow.AddYears(5)), ("old-2", DateTimeOffset.UtcNow), ("new-1", DateTimeOffset.UnixEpoch.AddDays(1)));
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
        await StoreAsync(index, "r1", ("a", DateTimeOffset.UtcNow), ("b", DateTimeOffset.UtcNow), ("c", DateTimeOffset.UtcNow));
        await Harness.ExecuteAsync("UPDATE audit_events SET stored_at = now() - interval '2 days';");

        Assert.Equal(2, await index.DeleteStoredBeforeAsync(TimeSpan.FromDays(1), 2, CancellationToken.None));
        Assert.Equal(1, await index.DeleteStoredBeforeAsync(TimeSpan.FromDays(1), 2, CancellationToken.None));
        Assert.Equal(0, await Harness.ScalarAsync("SELECT COUNT(*) FROM audit_events;"));
    }

    private static Task StoreAsync(IAuditIndex index, string replica, params (string Caller, DateTimeOffset Time)[] events)
    {
        var lines = events.Select((e, i) =>
        {
            var auditEvent = new AuditEvent(e.Time, e.Caller, null, "GetSandboxPolicy", "s1", true, "OK", "test", Replica: replica);
            return new ShippedAuditLine("file-1", i * 100L, auditEvent, System.Text.Json.JsonSerializer.Serialize(auditEvent, AuditJsonContext.Default.AuditEvent));
        }).ToList();
        return index.StoreAsync(replica, lines, new AuditShippingMark("file-1", events.Length * 100L), CancellationToken.None);
    }
}
