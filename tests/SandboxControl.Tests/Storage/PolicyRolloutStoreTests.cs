using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class PolicyRolloutStoreTests
{
    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task UpdatePolicy_IdenticalDocument_UnchangedAndNoVersion(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);

        var same = await store.UpdatePolicyAsync("alpha", 1, "policy-1", "operator/other", CancellationToken.None);
        var differentByOneByte = await store.UpdatePolicyAsync("alpha", 1, "policy-1 ", "operator/admin", CancellationToken.None);

        Assert.Equal(PolicyUpdateOutcome.Unchanged, same.Outcome);
        Assert.Equal(1, same.Policy!.Version);
        Assert.Equal("operator/admin", same.Policy.CreatedBy);
        Assert.Equal(PolicyUpdateOutcome.Updated, differentByOneByte.Outcome);
        Assert.Equal(2, await harness.ScalarAsync("SELECT COUNT(*) FROM policies;"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task UpdatePolicy_IdenticalButStale_StaleVersion(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);
        await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);

        var stale = await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);

        Assert.Equal(PolicyUpdateOutcome.StaleVersion, stale.Outcome);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task ListPolicyRollout_MixedFleet_StateActiveVersionAndPaging(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("a-none", null, "operator/admin", CancellationToken.None);
        await store.CreateSandboxAsync("b-pending", "p1", "operator/admin", CancellationToken.None);
        await store.CreateSandboxAsync("c-loaded", "p1", "operator/admin", CancellationToken.None);
        await store.ReportPolicyStatusAsync("c-loaded", 1, PolicyState.Loaded, "", CancellationToken.None);
        await store.CreateSandboxAsync("d-failed", "p1", "operator/admin", CancellationToken.None);
        await store.ReportPolicyStatusAsync("d-failed", 1, PolicyState.Loaded, "", CancellationToken.None);
        await store.UpdatePolicyAsync("d-failed", 1, "p2", "operator/admin", CancellationToken.None);
        await store.ReportPolicyStatusAsync("d-failed", 2, PolicyState.Failed, "bad rule", CancellationToken.None);

        var first = await store.ListPolicyRolloutAsync(null, 3, CancellationToken.None);
        var rest = await store.ListPolicyRolloutAsync(first[^1].SandboxId, 3, CancellationToken.None);

        Assert.Equal(["a-none", "b-pending", "c-loaded"], first.Select(row => row.SandboxId));
        var all = first.Concat(rest).ToDictionary(row => row.SandboxId);
        Assert.Equal(4, all.Count);
        Assert.Equal((0L, PolicyState.Pending, 0L), (all["a-none"].Version, all["a-none"].State, all["a-none"].ActiveVersion));
        Assert.Equal((1L, PolicyState.Pending, 0L), (all["b-pending"].Version, all["b-pending"].State, all["b-pending"].ActiveVersion));
        Assert.Equal((1L, PolicyState.Loaded, 1L), (all["c-loaded"].Version, all["c-loaded"].State, all["c-loaded"].ActiveVersion));
        Assert.Equal((2L, PolicyState.Failed, 1L, "bad rule"), (all["d-failed"].Version, all["d-failed"].State, all["d-failed"].ActiveVersion, all["d-failed"].Message));
        var status = await store.GetPolicyStatusAsync("d-failed", CancellationToken.None);
        Assert.Equal(status!.ReportedAt, all["d-failed"].Since);
    }
}
