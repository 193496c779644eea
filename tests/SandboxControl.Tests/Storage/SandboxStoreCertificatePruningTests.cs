using System.Security.Cryptography;
using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

/// <summary>
/// Pruning of long-expired certificates: rows and allow-list entries go, children are re-parented so lineage revocation
/// still reaches every remaining descendant. Times are real (PostgreSQL prunes on the database's clock).
/// </summary>
public sealed class SandboxStoreCertificatePruningTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateTimeOffset LongExpired = Now.AddDays(-30);
    private static readonly DateTimeOffset Live = Now.AddDays(1);

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task Prune_ChainOfExpiredBeforeLive_LiveBecomesRootAndStaysAccepted(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        var incarnation = await StoreHarness.CreateSandboxAsync(store, "alpha");
        var a = await RecordAsync(store, incarnation, null, LongExpired);
        var b = await RecordAsync(store, incarnation, a, LongExpired.AddDays(1));
        var c = await RecordAsync(store, incarnation, b, LongExpired.AddDays(2));
        var d = await RecordAsync(store, incarnation, c, Live);

        Assert.Equal(3, await store.PruneExpiredCertificatesAsync(Retention, 1000, CancellationToken.None));

        Assert.Equal(0, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates WHERE serial <> $d;", ("$d", d)));
        Assert.Equal(1, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates WHERE serial = $d AND parent_serial IS NULL;", ("$d", d)));
        Assert.Equal(new AllowedCertificate("alpha", incarnation, null, false), store.FindCertificate(d));
        Assert.All(new[] { a, b, c }, serial => Assert.Null(store.FindCertificate(serial)));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task Prune_ExpiredBetweenLiveParentAndChild_RevokingParentStillRevokesChild(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        var incarnation = await StoreHarness.CreateSandboxAsync(store, "alpha");
        var p = await RecordAsync(store, incarnation, null, Live);
        var b = await RecordAsync(store, incarnation, p, LongExpired);
        var c = await RecordAsync(store, incarnation, b, Live);

        Assert.Equal(1, await store.PruneExpiredCertificatesAsync(Retention, 1000, CancellationToken.None));
        Assert.Equal(p, store.FindCertificate(c)!.ParentSerialNumber);
        Assert.Equal(1, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates WHERE serial = $c AND parent_serial = $p;", ("$c", c), ("$p", p)));

        var revocation = await store.RevokeCertificateLineageAsync(p, CancellationToken.None);

        Assert.Equal(new[] { c, p }.Order(StringComparer.Ordinal), revocation!.RevokedSerialNumbers.Order(StringComparer.Ordinal));
        Assert.Equal(2, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates WHERE revoked_at IS NOT NULL;"));
        Assert.True(store.FindCertificate(c)!.Revoked);
        Assert.True(store.FindCertificate(p)!.Revoked);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task Prune_LiveOrExpiredWithinRetention_NothingDeleted(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        var incarnation = await StoreHarness.CreateSandboxAsync(store, "alpha");
        var recent = await RecordAsync(store, incarnation, null, Now.AddDays(-6));
        var live = await RecordAsync(store, incarnation, recent, Live);

        Assert.Equal(0, await store.PruneExpiredCertificatesAsync(Retention, 1000, CancellationToken.None));

        Assert.Equal(2, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates;"));
        Assert.NotNull(store.FindCertificate(recent));
        Assert.Equal(recent, store.FindCertificate(live)!.ParentSerialNumber);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task Prune_MoreThanLimit_OneBatchPerCallUntilNoneLeft(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        var incarnation = await StoreHarness.CreateSandboxAsync(store, "alpha");
        string? parent = null;
        for (var i = 0; i < 5; i++)
        {
            parent = await RecordAsync(store, incarnation, parent, LongExpired.AddMinutes(i));
        }

        var live = await RecordAsync(store, incarnation, parent, Live);

        Assert.Equal(2, await store.PruneExpiredCertificatesAsync(Retention, 2, CancellationToken.None));
        Assert.Equal(2, await store.PruneExpiredCertificatesAsync(Retention, 2, CancellationToken.None));
        Assert.Equal(1, await store.PruneExpiredCertificatesAsync(Retention, 2, CancellationToken.None));
        Assert.Equal(0, await store.PruneExpiredCertificatesAsync(Retention, 2, CancellationToken.None));
        Assert.Null(store.FindCertificate(live)!.ParentSerialNumber);
        Assert.Equal(1, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates WHERE parent_serial IS NULL;"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task RevokeCertificateLineage_PrunedSerial_NullAsForUnknown(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        var incarnation = await StoreHarness.CreateSandboxAsync(store, "alpha");
        var expired = await RecordAsync(store, incarnation, null, LongExpired);
        var live = await RecordAsync(store, incarnation, expired, Live);
        await store.PruneExpiredCertificatesAsync(Retention, 1000, CancellationToken.None);

        Assert.Null(await store.RevokeCertificateLineageAsync(expired, CancellationToken.None));

        Assert.False(store.FindCertificate(live)!.Revoked);
        Assert.Equal(0, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates WHERE revoked_at IS NOT NULL;"));
    }

    internal static async Task<string> RecordAsync(ISandboxStore store, string incarnation, string? parent, DateTimeOffset notAfter)
    {
        var serial = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var record = new CertificateRecord(serial, "alpha", incarnation, parent, notAfter.AddDays(-1), notAfter, "operator/issuer", null);
        Assert.Equal(CertificateRecordOutcome.Recorded, await store.RecordCertificateAsync(record, CancellationToken.None));
        return serial;
    }
}
