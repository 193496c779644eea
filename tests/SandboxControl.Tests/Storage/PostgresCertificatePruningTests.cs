using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

/// <summary>A contraction made by one replica reaches the others' allow lists through its notification.</summary>
public sealed class PostgresCertificatePruningTests
{
    [PostgresFact]
    public async Task Prune_OnOneStore_OtherAllowListContractsAndLaterRevocationReachesChild()
    {
        using var harness = new PostgresStoreHarness();
        var pruning = await harness.OpenStoreAsync();
        var other = await harness.OpenStoreAsync();
        var incarnation = await StoreHarness.CreateSandboxAsync(pruning, "alpha");
        var p = await SandboxStoreCertificatePruningTests.RecordAsync(pruning, incarnation, null, DateTimeOffset.UtcNow.AddDays(1));
        var b = await SandboxStoreCertificatePruningTests.RecordAsync(pruning, incarnation, p, DateTimeOffset.UtcNow.AddDays(-30));
        var c = await SandboxStoreCertificatePruningTests.RecordAsync(pruning, incarnation, b, DateTimeOffset.UtcNow.AddDays(1));
        await WaitUntilAsync(() => other.FindCertificate(c) is not null);
        Assert.Equal(b, other.FindCertificate(c)!.ParentSerialNumber);

        Assert.Equal(1, await pruning.PruneExpiredCertificatesAsync(TimeSpan.FromDays(7), 1000, CancellationToken.None));

        await WaitUntilAsync(() => other.FindCertificate(b) is null);
        Assert.Equal(new AllowedCertificate("alpha", incarnation, p, false), other.FindCertificate(c));

        await pruning.RevokeCertificateLineageAsync(p, CancellationToken.None);

        await WaitUntilAsync(() => other.FindCertificate(c)!.Revoked);
        Assert.True(other.FindCertificate(p)!.Revoked);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
