using SandboxControl.Server.Secrets;
using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class SandboxStoreTests
{
    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task CreateSandbox_NewId_GetReturnsIt(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();

        var created = await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        var fetched = await store.GetSandboxAsync("alpha", CancellationToken.None);

        Assert.NotNull(created);
        Assert.Equal(0, created.PolicyVersion);
        Assert.Equal(created, fetched);
        Assert.Null(await store.GetCurrentPolicyAsync("alpha", CancellationToken.None));
        Assert.Null(await store.GetSandboxAsync("beta", CancellationToken.None));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task CreateSandbox_ExistingId_ReturnsNullAndKeepsOriginal(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var store = await harness.OpenStoreAsync(timeProvider: clock);
        var first = await store.CreateSandboxAsync("alpha", "policy-a", "operator/admin", CancellationToken.None);
        clock.Now = clock.Now.AddHours(1);

        var second = await store.CreateSandboxAsync("alpha", "policy-b", "operator/other", CancellationToken.None);

        Assert.Null(second);
        Assert.Equal(first!.CreatedAt, store.GetSandboxCreatedAt("alpha"));
        var policy = await store.GetCurrentPolicyAsync("alpha", CancellationToken.None);
        Assert.Equal("policy-a", policy!.Document);
        Assert.Equal(1, await harness.ScalarAsync("SELECT COUNT(*) FROM policies;"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task CreateSandbox_WithInitialPolicy_WritesVersionOne(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();

        var created = await store.CreateSandboxAsync("alpha", "{\"allow\":[]}", "operator/admin", CancellationToken.None);
        var policy = await store.GetCurrentPolicyAsync("alpha", CancellationToken.None);

        Assert.Equal(1, created!.PolicyVersion);
        Assert.NotNull(policy);
        Assert.Equal(1, policy.Version);
        Assert.Equal("{\"allow\":[]}", policy.Document);
        Assert.Equal("operator/admin", policy.CreatedBy);
        Assert.Equal(created.CreatedAt, policy.CreatedAt);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task CreateSandbox_SubMillisecondClock_StoresExactMilliseconds(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var exact = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        var clock = new ManualTimeProvider(exact.AddTicks(4567));
        var store = await harness.OpenStoreAsync(timeProvider: clock);

        var created = await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        var reopened = await harness.OpenStoreAsync();

        Assert.Equal(exact, created!.CreatedAt);
        Assert.Equal(exact, store.GetSandboxCreatedAt("alpha"));
        Assert.Equal(exact, reopened.GetSandboxCreatedAt("alpha"));
        Assert.Equal(exact, (await reopened.GetSandboxAsync("alpha", CancellationToken.None))!.CreatedAt);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task GetSandboxCreatedAt_CreateThenDelete_AppearsThenDisappears(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        Assert.Null(store.GetSandboxCreatedAt("alpha"));

        var created = await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        Assert.Equal(created!.CreatedAt, store.GetSandboxCreatedAt("alpha"));

        Assert.True(await store.DeleteSandboxAsync("alpha", CancellationToken.None));
        Assert.Null(store.GetSandboxCreatedAt("alpha"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task DeleteSandbox_Missing_ReturnsFalse(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        Assert.False(await store.DeleteSandboxAsync("beta", CancellationToken.None));
        Assert.NotNull(store.GetSandboxCreatedAt("alpha"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task ListSandboxes_PagesOfTwo_ReturnAllInIdOrderOnce(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        string[] ids = ["delta", "alpha", "echo", "charlie", "bravo"];
        foreach (var id in ids)
        {
            await store.CreateSandboxAsync(id, null, "operator/admin", CancellationToken.None);
        }

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = await store.ListSandboxesAsync(after, 2, CancellationToken.None);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 2);
            seen.AddRange(page.Select(sandbox => sandbox.SandboxId));
            after = page[^1].SandboxId;
            pages++;
        }

        Assert.Equal(["alpha", "bravo", "charlie", "delta", "echo"], seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task DeleteSandbox_WithPoliciesCredentialsAndLogs_RemovesEverything(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);
        await store.CreateSandboxAsync("keep", "policy-k", "operator/admin", CancellationToken.None);
        await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);
        await store.ReportPolicyStatusAsync("alpha", 2, PolicyState.Loaded, "ok", CancellationToken.None);
        await store.SetProviderEnvironmentAsync("alpha", new Dictionary<string, string> { ["TOKEN"] = "t" }, CancellationToken.None);
        await store.AppendLogsAsync("alpha", [new LogLineRecord(DateTimeOffset.UtcNow, LogSeverity.Info, "agent", "hello")], CancellationToken.None);

        Assert.True(await store.DeleteSandboxAsync("alpha", CancellationToken.None));

        const string Owned = "SELECT (SELECT COUNT(*) FROM policies WHERE sandbox_id = $id) + (SELECT COUNT(*) FROM policy_status WHERE sandbox_id = $id)"
            + " + (SELECT COUNT(*) FROM provider_env WHERE sandbox_id = $id);";
        Assert.Equal(0, await harness.ScalarAsync(Owned, ("$id", "alpha")));
        Assert.Equal(0, await harness.StoredLogLinesAsync("alpha"));
        Assert.Equal(1, await harness.ScalarAsync("SELECT COUNT(*) FROM policies WHERE sandbox_id = 'keep';"));

        // A new sandbox with the same id inherits nothing.
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        Assert.Empty(await store.ListPoliciesAsync("alpha", CancellationToken.None));
        Assert.Empty((await store.GetProviderEnvironmentAsync("alpha", CancellationToken.None))!);
        Assert.Empty(await store.ReadLogsAsync("alpha", 0, null, 100, CancellationToken.None));
        Assert.Equal(1, await store.AppendLogsAsync("alpha", [new LogLineRecord(DateTimeOffset.UtcNow, LogSeverity.Info, "agent", "again")], CancellationToken.None));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task Reopen_NewStoreInstance_KeepsSandboxesPoliciesAndCredentials(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);
        await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);
        await store.ReportPolicyStatusAsync("alpha", 2, PolicyState.Loaded, "ok", CancellationToken.None);
        await store.SetProviderEnvironmentAsync("alpha", new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" }, CancellationToken.None);
        StoreHarness.Close(store);

        var reopened = await harness.OpenStoreAsync();

        Assert.NotNull(reopened.GetSandboxCreatedAt("alpha"));
        Assert.Equal(2, (await reopened.GetSandboxAsync("alpha", CancellationToken.None))!.PolicyVersion);
        Assert.Equal("policy-2", (await reopened.GetCurrentPolicyAsync("alpha", CancellationToken.None))!.Document);
        Assert.Equal(2, (await reopened.GetPolicyStatusAsync("alpha", CancellationToken.None))!.ActiveVersion);
        var environment = await reopened.GetProviderEnvironmentAsync("alpha", CancellationToken.None);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" }, environment);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task ProviderEnvironment_NoneSetOrMissingSandbox_EmptyOrNull(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        Assert.Empty((await store.GetProviderEnvironmentAsync("alpha", CancellationToken.None))!);
        Assert.Null(await store.GetProviderEnvironmentAsync("beta", CancellationToken.None));
        Assert.False(await store.SetProviderEnvironmentAsync("beta", new Dictionary<string, string> { ["A"] = "1" }, CancellationToken.None));
        Assert.Equal(0, await harness.ScalarAsync("SELECT COUNT(*) FROM provider_env;"));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task GetProviderEnvironment_BlobCopiedFromOtherSandbox_ThrowsSecretDecryptionException(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        await store.CreateSandboxAsync("mallory", null, "operator/admin", CancellationToken.None);
        await store.SetProviderEnvironmentAsync("alpha", new Dictionary<string, string> { ["TOKEN"] = "alpha-secret" }, CancellationToken.None);
        await store.SetProviderEnvironmentAsync("mallory", new Dictionary<string, string> { ["TOKEN"] = "mallory-own" }, CancellationToken.None);

        Assert.Equal(1, await harness.ExecuteAsync("UPDATE provider_env SET blob = (SELECT blob FROM provider_env WHERE sandbox_id = 'alpha') WHERE sandbox_id = 'mallory';"));

        await Assert.ThrowsAsync<SecretDecryptionException>(() => store.GetProviderEnvironmentAsync("mallory", CancellationToken.None));
        Assert.Equal("alpha-secret", (await store.GetProviderEnvironmentAsync("alpha", CancellationToken.None))!["TOKEN"]);
    }
}
