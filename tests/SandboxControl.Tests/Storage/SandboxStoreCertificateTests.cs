using System.Security.Cryptography;
using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

/// <summary>The live-certificate limit: counted in the recording transaction, on the store's clock, per sandbox.</summary>
public sealed class SandboxStoreCertificateTests
{
    private const int Limit = 3;
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task RecordCertificate_AtLimit_TooManyLiveUntilOneIsRevoked(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync(timeProvider: new ManualTimeProvider(Start));
        var incarnation = await StoreHarness.CreateSandboxAsync(store, "alpha");
        var live = new List<CertificateRecord>();
        for (var i = 0; i < Limit; i++)
        {
            live.Add(Certificate("alpha", incarnation, Start.AddDays(1)));
            Assert.Equal(CertificateRecordOutcome.Recorded, await store.RecordCertificateAsync(live[^1], Limit, CancellationToken.None));
        }

        var refused = Certificate("alpha", incarnation, Start.AddDays(1));
        var outcome = await store.RecordCertificateAsync(refused, Limit, CancellationToken.None);

        Assert.Equal(CertificateRecordOutcome.TooManyLive, outcome);
        Assert.Null(store.FindCertificate(refused.SerialNumber));
        Assert.Equal(Limit, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates;"));
        // Another sandbox has its own count.
        var betaIncarnation = await StoreHarness.CreateSandboxAsync(store, "beta");
        Assert.Equal(CertificateRecordOutcome.Recorded, await store.RecordCertificateAsync(Certificate("beta", betaIncarnation, Start.AddDays(1)), Limit, CancellationToken.None));

        await store.RevokeCertificateLineageAsync(live[1].SerialNumber, CancellationToken.None);

        Assert.Equal(CertificateRecordOutcome.Recorded, await store.RecordCertificateAsync(refused, Limit, CancellationToken.None));
        Assert.NotNull(store.FindCertificate(refused.SerialNumber));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task RecordCertificate_OneExpiredOnStoreClock_NotCounted(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var clock = new ManualTimeProvider(Start);
        var store = await harness.OpenStoreAsync(timeProvider: clock);
        var incarnation = await StoreHarness.CreateSandboxAsync(store, "alpha");
        await store.RecordCertificateAsync(Certificate("alpha", incarnation, Start.AddMinutes(1)), Limit, CancellationToken.None);
        for (var i = 1; i < Limit; i++)
        {
            await store.RecordCertificateAsync(Certificate("alpha", incarnation, Start.AddDays(1)), Limit, CancellationToken.None);
        }

        var next = Certificate("alpha", incarnation, Start.AddDays(1));
        Assert.Equal(CertificateRecordOutcome.TooManyLive, await store.RecordCertificateAsync(next, Limit, CancellationToken.None));

        // Exactly at not_after the certificate no longer counts.
        clock.Now = Start.AddMinutes(1);

        Assert.Equal(CertificateRecordOutcome.Recorded, await store.RecordCertificateAsync(next, Limit, CancellationToken.None));
        Assert.Equal(Limit + 1, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates;"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task RecordCertificate_ConcurrentOnTwoStoresWithOneSlotLeft_ExactlyOneRecorded(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var first = await harness.OpenStoreAsync(timeProvider: new ManualTimeProvider(Start));
        var second = await harness.OpenStoreAsync(timeProvider: new ManualTimeProvider(Start));
        var incarnation = await StoreHarness.CreateSandboxAsync(first, "alpha");
        for (var i = 1; i < Limit; i++)
        {
            await first.RecordCertificateAsync(Certificate("alpha", incarnation, Start.AddDays(1)), Limit, CancellationToken.None);
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).RecordCertificateAsync(Certificate("alpha", incarnation, Start.AddDays(1)), Limit, CancellationToken.None))));

        Assert.Equal(1, outcomes.Count(o => o == CertificateRecordOutcome.Recorded));
        Assert.Equal(9, outcomes.Count(o => o == CertificateRecordOutcome.TooManyLive));
        Assert.Equal(Limit, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates;"));
    }

    private static CertificateRecord Certificate(string sandboxId, string incarnation, DateTimeOffset notAfter) =>
        new(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), sandboxId, incarnation, null, Start, notAfter, "operator/issuer", null);
}
