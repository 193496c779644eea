using Microsoft.Extensions.Options;
using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class CurrentPolicyCacheTests
{
    private const string Admin = "operator/admin";

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task Get_Twice_SecondServedFromMemory(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var (store, observer) = ObservedStore.Wrap(await harness.OpenStoreAsync());
        var cache = NewCache(store);
        await store.CreateSandboxAsync("alpha", "policy-1", Admin, CancellationToken.None);

        var first = await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);
        var second = await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);

        Assert.Equal("policy-1", second!.Document);
        Assert.Same(first, second);
        Assert.Equal(1, observer.PolicyReads);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task Update_AfterCaching_NextReadSeesNewVersion(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        var cache = NewCache(store);
        await store.CreateSandboxAsync("alpha", "policy-1", Admin, CancellationToken.None);
        await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);

        await store.UpdatePolicyAsync("alpha", 1, "policy-2", Admin, CancellationToken.None);

        var current = await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);
        Assert.Equal((2, "policy-2"), (current!.Version, current.Document));
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task DeleteAndRecreate_SameId_OldPolicyNotServed(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var store = await harness.OpenStoreAsync();
        var cache = NewCache(store);
        await store.CreateSandboxAsync("alpha", "old-incarnation", Admin, CancellationToken.None);
        await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);

        await store.DeleteSandboxAsync("alpha", CancellationToken.None);
        Assert.Null(await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None));
        await store.CreateSandboxAsync("alpha", "new-incarnation", Admin, CancellationToken.None);

        Assert.Equal("new-incarnation", (await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None))!.Document);
    }

    [Theory]
    [SqliteEngine]
    [PostgresEngine]
    public async Task UpdateCommittedWhileReadInFlight_StaleReadNotKept(StoreEngine engine)
    {
        using var harness = StoreHarness.Create(engine);
        var real = await harness.OpenStoreAsync();
        var (store, observer) = ObservedStore.Wrap(real);
        var cache = NewCache(store);
        await real.CreateSandboxAsync("alpha", "policy-1", Admin, CancellationToken.None);
        observer.AfterPolicyRead = async () =>
        {
            observer.AfterPolicyRead = null;
            await real.UpdatePolicyAsync("alpha", 1, "policy-2", Admin, CancellationToken.None);
        };

        var raced = await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);
        var next = await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);

        Assert.Equal(1, raced!.Version);
        Assert.Equal(2, next!.Version);
    }

    [Fact]
    public async Task CapacityZero_NothingKept()
    {
        using var harness = StoreHarness.Create(StoreEngine.Sqlite);
        var (store, observer) = ObservedStore.Wrap(await harness.OpenStoreAsync());
        var cache = NewCache(store, capacityBytes: 0);
        await store.CreateSandboxAsync("alpha", "policy-1", Admin, CancellationToken.None);

        await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);
        await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None);

        Assert.Equal(0, cache.Count);
        Assert.Equal(2, observer.PolicyReads);
    }

    [PostgresFact]
    public async Task UpdateOnOtherInstance_CachedVersionReplacedWithinOneSecond()
    {
        using var harness = new PostgresStoreHarness();
        var writer = await harness.OpenStoreAsync();
        var reader = await harness.OpenStoreAsync();
        var cache = NewCache(reader);
        await writer.CreateSandboxAsync("alpha", "policy-1", Admin, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(1);
        while (reader.GetSandboxCreatedAt("alpha") is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "creation not seen by the other instance");
            await Task.Delay(10);
        }

        Assert.Equal(1, (await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None))!.Version);
        await writer.UpdatePolicyAsync("alpha", 1, "policy-2", Admin, CancellationToken.None);

        deadline = DateTime.UtcNow.AddSeconds(1);
        while ((await cache.GetCurrentPolicyAsync("alpha", CancellationToken.None))!.Version != 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the other instance's update was not seen within one second");
            await Task.Delay(10);
        }
    }

    private static CurrentPolicyCache NewCache(ISandboxStore store, long capacityBytes = 1 << 20) =>
        new(store, Options.Create(new StorageOptions { PolicyCacheBytes = capacityBytes }));
}
