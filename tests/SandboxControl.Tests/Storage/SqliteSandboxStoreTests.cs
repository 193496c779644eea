using System.Text;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Sqlite;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class SqliteSandboxStoreTests : IDisposable
{
    private readonly SqliteStoreHarness _harness = new();

    public void Dispose() => _harness.Dispose();

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
    public async Task Dispose_ThenWrite_RefusedUnavailableNothingWritten()
    {
        var store = await _harness.OpenStoreAsync();
        await store.CreateSandboxAsync("alpha", null, "operator/admin", CancellationToken.None);

        ((IDisposable)store).Dispose();
        ((IDisposable)store).Dispose();

        // A write arriving during shutdown must not reopen the kept-open writer connection (it would hold the file).
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.CreateSandboxAsync("beta", null, "operator/admin", CancellationToken.None));
        var reopened = await _harness.OpenStoreAsync();
        Assert.NotNull(reopened.GetSandboxEntry("alpha"));
        Assert.Null(reopened.GetSandboxEntry("beta"));
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
        StoreHarness.Close(store);
        await using (var connection = await _harness.OpenRawConnectionAsync())
        await using (var bump = connection.CreateCommand())
        {
            bump.CommandText = "PRAGMA user_version = 99;";
            await bump.ExecuteNonQueryAsync();
        }

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.OpenStoreAsync());
        Assert.Contains("99", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_Version2LogRows_BecomeChunksThatReadTheSame()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_harness.DatabasePath)!);
        await using (var connection = await _harness.OpenRawConnectionAsync())
        await using (var schema = connection.CreateCommand())
        {
            schema.CommandText = SqliteMigrations.Steps[0] + SqliteMigrations.Steps[1] + """
                INSERT INTO sandboxes (id, created_at, created_by, log_sequence, incarnation) VALUES ('alpha', 1, 'operator/admin', 2, 'inc-1');
                INSERT INTO logs VALUES ('alpha', 1, 1700000000000, 3, 'agent', 'first "quoted" line');
                INSERT INTO logs VALUES ('alpha', 2, 1700000001000, 5, 'kernel', 'zweite Zeile ✓');
                PRAGMA user_version = 2;
                """;
            await schema.ExecuteNonQueryAsync();
        }

        var store = await _harness.OpenStoreAsync();

        var lines = await store.ReadLogsAsync("alpha", 0, null, 10, CancellationToken.None);
        Assert.Equal([1L, 2], lines.Select(line => line.Sequence));
        Assert.Equal(["first \"quoted\" line", "zweite Zeile ✓"], lines.Select(line => line.Message));
        Assert.Equal([LogSeverity.Info, LogSeverity.Error], lines.Select(line => line.Level));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_000), lines[1].Timestamp);
        Assert.Equal(3, await store.AppendLogsAsync("alpha", [new LogLineRecord(DateTimeOffset.UnixEpoch, LogSeverity.Info, "agent", "third")], CancellationToken.None));
        Assert.Equal(0, await _harness.ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'logs';"));
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
