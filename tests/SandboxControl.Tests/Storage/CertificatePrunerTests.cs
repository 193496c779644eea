using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Issuance;
using SandboxControl.Server.Storage;
using SandboxControl.Tests.Identity;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class CertificatePrunerTests
{
    [Fact]
    public async Task Start_MoreExpiredThanOneBatch_AllPrunedAtStartWithOneLogLine()
    {
        using var harness = new SqliteStoreHarness();
        var store = await harness.OpenStoreAsync();
        var incarnation = await StoreHarness.CreateSandboxAsync(store, "alpha");
        string? parent = null;
        for (var i = 0; i < 1001; i++)
        {
            parent = await SandboxStoreCertificatePruningTests.RecordAsync(store, incarnation, parent, DateTimeOffset.UtcNow.AddDays(-30));
        }

        var live = await SandboxStoreCertificatePruningTests.RecordAsync(store, incarnation, parent, DateTimeOffset.UtcNow.AddDays(1));
        var logger = new ListLogger<CertificatePruner>();
        using var pruner = new CertificatePruner(store, Options.Create(new IssuanceOptions()), logger);

        await pruner.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Messages(logger).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no log line in time");
            await Task.Delay(10);
        }

        await pruner.StopAsync(CancellationToken.None);

        var line = Assert.Single(Messages(logger));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("Pruned 1001 certificates", line.Text, StringComparison.Ordinal);
        Assert.Equal(1, await harness.ScalarAsync("SELECT COUNT(*) FROM sandbox_certificates;"));
        Assert.Null(store.FindCertificate(live)!.ParentSerialNumber);
    }

    private static List<(LogLevel Level, string Text)> Messages(ListLogger<CertificatePruner> logger)
    {
        lock (logger.Messages)
        {
            return [.. logger.Messages];
        }
    }
}
