using System.Text;
using SandboxControl.Server.Secrets;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Sqlite;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class SqliteSandboxStoreTests : IDisposable
{
    private readonly SqliteStoreHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task CreateSandbox_NewId_GetReturnsIt()
    {
        var store = await _harness.OpenStoreAsync();

        var created = await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        var fetched = await store.GetSandboxAsync("alpha", CancellationToken.None);

        Assert.NotNull(created);
        Assert.Equal(0, created.PolicyVersion);
        Assert.Equal(created, fetched);
        Assert.Null(await store.GetCurrentPolicyAsync("alpha", CancellationToken.None));
        Assert.Null(await store.GetSandboxAsync("beta", CancellationToken.None));
    }

    [Fact]
    public async Task CreateSandbox_ExistingId_ReturnsNullAndKeepsOriginal()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var store = await _harness.OpenStoreAsync(timeProvider: clock);
        var first = await store.CreateSandboxAsync("alpha", "policy-a", "operator/admin", CancellationToken.None);
        clock.Now = clock.Now.AddHours(1);

        var second = await store.CreateSandboxAsync("alpha", "policy-b", "operator/other", CancellationToken.None);

        Assert.Null(second);
        Assert.Equal(first!.CreatedAt, store.GetSandboxCreatedAt("alpha"));
        var policy = await store.GetCurrentPolicyAsync("alpha", CancellationToken.None);
        Assert.Equal("policy-a", policy!.Document);
        Assert.Equal(1, await _harness.ScalarAsync("SELECT COUNT(*) FROM policies;"));
    }

    [Fact]
    public async Task CreateSandbox_WithInitialPolicy_WritesVersionOne()
    {
        var store = await _harness.OpenStoreAsync();

        var created = await store.CreateSandboxAsync("alpha", "{\"allow\":[]}", "operator/admin", CancellationToken.None);
        var policy = await store.GetCurrentPolicyAsync("alpha", CancellationToken.None);

        Assert.Equal(1, created!.PolicyVersion);
        Assert.NotNull(policy);
        Assert.Equal(1, policy.Version);
        Assert.Equal("{\"allow\":[]}", policy.Document);
        Assert.Equal("operator/admin", policy.CreatedBy);
        Assert.Equal(created.CreatedAt, policy.CreatedAt);
    }

    [Fact]
    public async Task CreateSandbox_SubMillisecondClock_StoresExactMilliseconds()
    {
        var exact = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        var clock = new ManualTimeProvider(exact.AddTicks(4567));
        var store = await _harness.OpenStoreAsync(timeProvider: clock);

        var created = await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        var reopened = await _harness.OpenStoreAsync();

        Assert.Equal(exact, created!.CreatedAt);
        Assert.Equal(exact, store.GetSandboxCreatedAt("alpha"));
        Assert.Equal(exact, reopened.GetSandboxCreatedAt("alpha"));
        Assert.Equal(exact, (await reopened.GetSandboxAsync("alpha", CancellationToken.None))!.CreatedAt);
    }

    [Fact]
    public async Task GetSandboxCreatedAt_CreateThenDelete_AppearsThenDisappears()
    {
        var store = await _harness.OpenStoreAsync();
        Assert.Null(store.GetSandboxCreatedAt("alpha"));

        var created = await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        Assert.Equal(created!.CreatedAt, store.GetSandboxCreatedAt("alpha"));

        Assert.True(await store.DeleteSandboxAsync("alpha", CancellationToken.None));
        Assert.Null(store.GetSandboxCreatedAt("alpha"));
    }

    [Fact]
    public async Task DeleteSandbox_Missing_ReturnsFalse()
    {
        var store = await _harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        Assert.False(await store.DeleteSandboxAsync("beta", CancellationToken.None));
        Assert.NotNull(store.GetSandboxCreatedAt("alpha"));
    }

    [Fact]
    public async Task ListSandboxes_PagesOfTwo_ReturnAllInIdOrderOnce()
    {
        var store = await _harness.OpenStoreAsync();
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

    [Fact]
    public async Task DeleteSandbox_WithPoliciesCredentialsAndLogs_RemovesEverything()
    {
        var store = await _harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);
        await store.CreateSandboxAsync("keep", "policy-k", "operator/admin", CancellationToken.None);
        await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);
        await store.ReportPolicyStatusAsync("alpha", 2, PolicyState.Loaded, "ok", CancellationToken.None);
        await store.SetProviderEnvironmentAsync("alpha", new Dictionary<string, string> { ["TOKEN"] = "t" }, CancellationToken.None);
        await store.AppendLogsAsync("alpha", [new LogLineRecord(DateTimeOffset.UtcNow, LogSeverity.Info, "agent", "hello")], CancellationToken.None);

        Assert.True(await store.DeleteSandboxAsync("alpha", CancellationToken.None));

        const string Owned = "SELECT (SELECT COUNT(*) FROM policies WHERE sandbox_id = $id) + (SELECT COUNT(*) FROM policy_status WHERE sandbox_id = $id)"
            + " + (SELECT COUNT(*) FROM provider_env WHERE sandbox_id = $id) + (SELECT COUNT(*) FROM logs WHERE sandbox_id = $id);";
        Assert.Equal(0, await _harness.ScalarAsync(Owned, ("$id", "alpha")));
        Assert.Equal(1, await _harness.ScalarAsync("SELECT COUNT(*) FROM policies WHERE sandbox_id = 'keep';"));

        // A new sandbox with the same id inherits nothing.
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        Assert.Empty(await store.ListPoliciesAsync("alpha", CancellationToken.None));
        Assert.Empty((await store.GetProviderEnvironmentAsync("alpha", CancellationToken.None))!);
        Assert.Empty(await store.ReadLogsAsync("alpha", 0, null, 100, CancellationToken.None));
        Assert.Equal(1, await store.AppendLogsAsync("alpha", [new LogLineRecord(DateTimeOffset.UtcNow, LogSeverity.Info, "agent", "again")], CancellationToken.None));
    }

    [Fact]
    public async Task Reopen_NewStoreInstance_KeepsSandboxesPoliciesAndCredentials()
    {
        var store = await _harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);
        await store.UpdatePolicyAsync("alpha", 1, "policy-2", "operator/admin", CancellationToken.None);
        await store.ReportPolicyStatusAsync("alpha", 2, PolicyState.Loaded, "ok", CancellationToken.None);
        await store.SetProviderEnvironmentAsync("alpha", new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" }, CancellationToken.None);
        store.Dispose();

        var reopened = await _harness.OpenStoreAsync();

        Assert.NotNull(reopened.GetSandboxCreatedAt("alpha"));
        Assert.Equal(2, (await reopened.GetSandboxAsync("alpha", CancellationToken.None))!.PolicyVersion);
        Assert.Equal("policy-2", (await reopened.GetCurrentPolicyAsync("alpha", CancellationToken.None))!.Document);
        Assert.Equal(2, (await reopened.GetPolicyStatusAsync("alpha", CancellationToken.None))!.ActiveVersion);
        var environment = await reopened.GetProviderEnvironmentAsync("alpha", CancellationToken.None);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" }, environment);
    }

    [Fact]
    public async Task SetProviderEnvironment_Plaintext_NotInDatabaseOrWalFiles()
    {
        const string Secret = "sk-live-4f9c2e7a1b3d5f60";
        var store = await _harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        Assert.True(await store.SetProviderEnvironmentAsync("alpha", new Dictionary<string, string> { ["API_TOKEN"] = Secret }, CancellationToken.None));

        // The store is still open: the write sits in the WAL, which is where it would leak first.
        var walPath = _harness.DatabasePath + "-wal";
        Assert.True(File.Exists(walPath));
        Assert.True(new FileInfo(walPath).Length > 0);
        var needle = Encoding.UTF8.GetBytes(Secret);
        foreach (var path in Directory.GetFiles(Path.GetDirectoryName(_harness.DatabasePath)!))
        {
            var bytes = await ReadSharedAsync(path);
            Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"plaintext found in {Path.GetFileName(path)}");
            Assert.True(bytes.AsSpan().IndexOf("API_TOKEN"u8) < 0, $"variable name found in {Path.GetFileName(path)}");
        }

        Assert.Equal(Secret, (await store.GetProviderEnvironmentAsync("alpha", CancellationToken.None))!["API_TOKEN"]);
    }

    [Fact]
    public async Task ProviderEnvironment_NoneSetOrMissingSandbox_EmptyOrNull()
    {
        var store = await _harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        Assert.Empty((await store.GetProviderEnvironmentAsync("alpha", CancellationToken.None))!);
        Assert.Null(await store.GetProviderEnvironmentAsync("beta", CancellationToken.None));
        Assert.False(await store.SetProviderEnvironmentAsync("beta", new Dictionary<string, string> { ["A"] = "1" }, CancellationToken.None));
        Assert.Equal(0, await _harness.ScalarAsync("SELECT COUNT(*) FROM provider_env;"));
    }

    [Fact]
    public async Task GetProviderEnvironment_BlobCopiedFromOtherSandbox_ThrowsSecretDecryptionException()
    {
        var store = await _harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);
        await store.CreateSandboxAsync("mallory", null, "operator/admin", CancellationToken.None);
        await store.SetProviderEnvironmentAsync("alpha", new Dictionary<string, string> { ["TOKEN"] = "alpha-secret" }, CancellationToken.None);
        await store.SetProviderEnvironmentAsync("mallory", new Dictionary<string, string> { ["TOKEN"] = "mallory-own" }, CancellationToken.None);

        await using (var connection = await _harness.OpenRawConnectionAsync())
        await using (var copy = connection.CreateCommand())
        {
            copy.CommandText = "UPDATE provider_env SET blob = (SELECT blob FROM provider_env WHERE sandbox_id = 'alpha') WHERE sandbox_id = 'mallory';";
            Assert.Equal(1, await copy.ExecuteNonQueryAsync());
        }

        await Assert.ThrowsAsync<SecretDecryptionException>(() => store.GetProviderEnvironmentAsync("mallory", CancellationToken.None));
        Assert.Equal("alpha-secret", (await store.GetProviderEnvironmentAsync("alpha", CancellationToken.None))!["TOKEN"]);
    }

    [Fact]
    public async Task Initialize_MissingParentDirectory_CreatesItOwnerOnly()
    {
        var directory = Path.GetDirectoryName(_harness.DatabasePath)!;
        Assert.False(Directory.Exists(directory));

        await _harness.OpenStoreAsync();

        Assert.True(File.Exists(_harness.DatabasePath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        }
    }

    [Fact]
    public async Task Initialize_ExistingDatabase_IsIdempotentAndWal()
    {
        var first = await _harness.OpenStoreAsync();
        await first.CreateSandboxAsync("alpha", "policy-1", "operator/admin", CancellationToken.None);
        await first.InitializeAsync(CancellationToken.None);

        var second = await _harness.OpenStoreAsync();

        Assert.Equal(SqliteMigrations.LatestVersion, await _harness.ScalarAsync("PRAGMA user_version;"));
        await using var connection = await _harness.OpenRawConnectionAsync();
        await using var journal = connection.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await journal.ExecuteScalarAsync());
        Assert.NotNull(second.GetSandboxCreatedAt("alpha"));
        Assert.NotNull(first.GetSandboxCreatedAt("alpha"));
    }

    [Fact]
    public async Task Initialize_NewerSchemaVersion_Throws()
    {
        var store = await _harness.OpenStoreAsync();
        store.Dispose();
        await using (var connection = await _harness.OpenRawConnectionAsync())
        await using (var bump = connection.CreateCommand())
        {
            bump.CommandText = "PRAGMA user_version = 99;";
            await bump.ExecuteNonQueryAsync();
        }

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.OpenStoreAsync());
        Assert.Contains("99", exception.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
