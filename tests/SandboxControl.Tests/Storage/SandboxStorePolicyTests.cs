using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class SandboxStorePolicyTests
{
    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task UpdatePolicy_ExpectedCurrentVersion_WritesNextVersion(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        var first = await store.UpdatePolicyAsync("alpha", 0, "policy-1", "operator/admin", CancellationToken.None);
        var second = await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/ops", CancellationToken.None);

        Assert.Equal(PolicyUpdateOutcome.Updated, first.Outcome);
        Assert.Equal(PolicyUpdateOutcome.Updated, second.Outcome);
        Assert.Equal(2, second.CurrentVersion);
        Assert.Equal(2, second.Policy!.Version);
        Assert.Equal(second.Policy, await store.GetCurrentPolicyAsync("alpha", CancellationToken.None));
        Assert.Equal(2, (await store.GetSandboxAsync("alpha", CancellationToken.None))!.PolicyVersion);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task UpdatePolicy_StaleExpectedVersion_StaleVersionAndHistoryUnchanged(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);
        await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);
        var before = await store.ListPoliciesAsync("alpha", CancellationToken.None);

        var stale = await store.UpdatePolicyAsync("alpha", 1, "policy-x", "operator/admin", CancellationToken.None);
        var ahead = await store.UpdatePolicyAsync("alpha", 5, "policy-y", "operator/admin", CancellationToken.None);

        Assert.Equal(PolicyUpdateOutcome.StaleVersion, stale.Outcome);
        Assert.Equal(2, stale.CurrentVersion);
        Assert.Null(stale.Policy);
        Assert.Equal(PolicyUpdateOutcome.StaleVersion, ahead.Outcome);
        Assert.Equal(before, await store.ListPoliciesAsync("alpha", CancellationToken.None));
        Assert.Equal(2, await harness.ScalarAsync("SELECT COUNT(*) FROM policies;"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task UpdatePolicy_MissingSandbox_SandboxNotFound(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();

        var result = await store.UpdatePolicyAsync("ghost", 0, "policy-1", "operator/admin", CancellationToken.None);

        Assert.Equal(PolicyUpdateOutcome.SandboxNotFound, result.Outcome);
        Assert.Equal(0, await harness.ScalarAsync("SELECT COUNT(*) FROM policies;"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task UpdatePolicy_ThirtyConcurrentSameExpectedVersion_ExactlyOneWins(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        // Two store instances on one file: the in-process lock alone cannot serialize them, the database must.
        var storeA = await harness.OpenStoreAsync();
        var storeB = await harness.OpenStoreAsync();
        await storeA.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() =>
            (i % 2 == 0 ? storeA : storeB).UpdatePolicyAsync("alpha", 1, $"policy-from-{i}", "operator/admin", CancellationToken.None))));

        var winner = Assert.Single(results, result => result.Outcome == PolicyUpdateOutcome.Updated);
        Assert.Equal(2, winner.Policy!.Version);
        Assert.All(
            results.Where(result => result != winner),
            result =>
            {
                Assert.Equal(PolicyUpdateOutcome.StaleVersion, result.Outcome);
                Assert.Equal(2, result.CurrentVersion);
            });
        Assert.Equal([2L, 1L], (await storeB.ListPoliciesAsync("alpha", CancellationToken.None)).Select(p => p.Policy.Version));
        Assert.Equal(winner.Policy.Document, (await storeB.GetCurrentPolicyAsync("alpha", CancellationToken.None))!.Document);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task UpdatePolicy_ThirtyConcurrentRetryingUpdaters_VersionsContiguous(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var storeA = await harness.OpenStoreAsync();
        var storeB = await harness.OpenStoreAsync();
        await storeA.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        async Task<long> UpdateUntilWrittenAsync(int worker)
        {
            var store = worker % 2 == 0 ? storeA : storeB;
            var expected = 0L;
            while (true)
            {
                var result = await store.UpdatePolicyAsync("alpha", expected, $"policy-from-{worker}", "operator/admin", CancellationToken.None);
                if (result.Outcome == PolicyUpdateOutcome.Updated)
                {
                    return result.Policy!.Version;
                }

                Assert.Equal(PolicyUpdateOutcome.StaleVersion, result.Outcome);
                expected = result.CurrentVersion;
            }
        }

        var written = await Task.WhenAll(Enumerable.Range(0, 30).Select(worker => Task.Run(() => UpdateUntilWrittenAsync(worker))));

        Assert.Equal(Enumerable.Range(1, 30).Select(v => (long)v), written.Order());
        var history = await storeA.ListPoliciesAsync("alpha", CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 30).Reverse().Select(v => (long)v), history.Select(p => p.Policy.Version));
        Assert.Equal(30, history.Select(p => p.Policy.Document).Distinct().Count());
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task PolicyStates_LoadThenNewVersionThenFail_ActiveStaysOnLastLoaded(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);

        await AssertStatesAsync(store, activeVersion: 0, (1, PolicyState.Pending));

        await store.ReportPolicyStatusAsync("alpha", 1, PolicyState.Loaded, "loaded", CancellationToken.None);
        await AssertStatesAsync(store, activeVersion: 1, (1, PolicyState.Loaded));

        await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);
        await AssertStatesAsync(store, activeVersion: 1, (2, PolicyState.Pending), (1, PolicyState.Loaded));

        await store.ReportPolicyStatusAsync("alpha", 2, PolicyState.Failed, "syntax error", CancellationToken.None);
        await AssertStatesAsync(store, activeVersion: 1, (2, PolicyState.Failed), (1, PolicyState.Loaded));

        await store.UpdatePolicyAsync("alpha", 2, "policy-3", "operator/admin", CancellationToken.None);
        await AssertStatesAsync(store, activeVersion: 1, (3, PolicyState.Pending), (2, PolicyState.Failed), (1, PolicyState.Loaded));

        await store.ReportPolicyStatusAsync("alpha", 3, PolicyState.Loaded, "loaded", CancellationToken.None);
        await AssertStatesAsync(store, activeVersion: 3, (3, PolicyState.Loaded), (2, PolicyState.Failed), (1, PolicyState.Superseded));

        var status = await store.GetPolicyStatusAsync("alpha", CancellationToken.None);
        Assert.Equal("loaded", status!.Message);
        Assert.NotNull(status.ReportedAt);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task ReportPolicyStatus_Recorded_ReturnsNewStatus(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);

        var result = await store.ReportPolicyStatusAsync("alpha", 1, PolicyState.Failed, "bad rule", CancellationToken.None);

        Assert.Equal(StatusReportOutcome.Recorded, result.Outcome);
        Assert.Equal(1, result.CurrentVersion);
        Assert.Equal(new PolicyStatusRecord("alpha", 1, PolicyState.Failed, "bad rule", result.Status!.ReportedAt, 0), result.Status);
        Assert.Equal(result.Status, await store.GetPolicyStatusAsync("alpha", CancellationToken.None));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task ReportPolicyStatus_StaleVersion_ReturnsCurrentAndRecordsNothing(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);
        await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);

        var old = await store.ReportPolicyStatusAsync("alpha", 1, PolicyState.Loaded, "late report", CancellationToken.None);
        var future = await store.ReportPolicyStatusAsync("alpha", 3, PolicyState.Loaded, "made up", CancellationToken.None);

        Assert.Equal(StatusReportOutcome.StaleVersion, old.Outcome);
        Assert.Equal(2, old.CurrentVersion);
        Assert.Null(old.Status);
        Assert.Equal(StatusReportOutcome.StaleVersion, future.Outcome);
        Assert.Equal(0, await harness.ScalarAsync("SELECT COUNT(*) FROM policy_status;"));
        var status = await store.GetPolicyStatusAsync("alpha", CancellationToken.None);
        Assert.Equal(new PolicyStatusRecord("alpha", 2, PolicyState.Pending, string.Empty, null, 0), status);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task ReportPolicyStatus_NoPolicyOrMissingSandbox_NothingRecorded(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        var noPolicy = await store.ReportPolicyStatusAsync("alpha", 0, PolicyState.Loaded, "ok", CancellationToken.None);
        var missing = await store.ReportPolicyStatusAsync("ghost", 1, PolicyState.Loaded, "ok", CancellationToken.None);

        Assert.Equal(StatusReportOutcome.NoPolicy, noPolicy.Outcome);
        Assert.Equal(StatusReportOutcome.SandboxNotFound, missing.Outcome);
        Assert.Equal(new PolicyStatusRecord("alpha", 0, PolicyState.Pending, string.Empty, null, 0), await store.GetPolicyStatusAsync("alpha", CancellationToken.None));
        Assert.Null(await store.GetPolicyStatusAsync("ghost", CancellationToken.None));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task ReportPolicyStatus_StateOtherThanLoadedOrFailed_Throws(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);

        foreach (var state in new[] { PolicyState.Pending, PolicyState.Superseded, (PolicyState)0 })
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReportPolicyStatusAsync("alpha", 1, state, "x", CancellationToken.None));
        }

        Assert.Equal(0, await harness.ScalarAsync("SELECT COUNT(*) FROM policy_status;"));
    }

    private static async Task AssertStatesAsync(ISandboxStore store, long activeVersion, params (long Version, PolicyState State)[] expected)
    {
        var history = await store.ListPoliciesAsync("alpha", CancellationToken.None);
        Assert.Equal(expected, history.Select(entry => (entry.Policy.Version, entry.State)));

        var status = await store.GetPolicyStatusAsync("alpha", CancellationToken.None);
        Assert.NotNull(status);
        Assert.Equal(expected[0].Version, status.Version);
        Assert.Equal(expected[0].State, status.State);
        Assert.Equal(activeVersion, status.ActiveVersion);
    }
}
