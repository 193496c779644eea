using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Secrets;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Sqlite;

namespace SandboxControl.Tests.Storage;

/// <summary>
/// One database file in a temporary directory, one secrets key, and any number of store instances on that file.
/// Disposing closes every store (and its pooled connections) before the directory is removed.
/// </summary>
internal sealed class SqliteStoreHarness : StoreHarness
{
    private readonly TemporaryDirectory _directory = new();
    private readonly List<IDisposable> _disposables = [];
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public SqliteStoreHarness(string databaseFileName = "store.db")
    {
        DatabasePath = _directory.Combine("data", databaseFileName);
    }

    public string DatabasePath { get; }

    public string DirectoryPath => _directory.Path;

    public override async Task<ISandboxStore> OpenStoreAsync(int logRetentionLines = 10_000, TimeProvider? timeProvider = null) =>
        await OpenSqliteStoreAsync(logRetentionLines, timeProvider);

    public async Task<SqliteSandboxStore> OpenSqliteStoreAsync(int logRetentionLines = 10_000, TimeProvider? timeProvider = null)
    {
        var options = Options.Create(new StorageOptions { SqlitePath = DatabasePath, LogRetentionLines = logRetentionLines });
        var protector = new AesGcmSecretProtector(_key);
        _disposables.Add(protector);
        var store = new SqliteSandboxStore(options, protector, timeProvider ?? TimeProvider.System, NullLogger<SqliteSandboxStore>.Instance);
        _disposables.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    /// <summary>A raw connection for checks and tampering the store API does not allow.</summary>
    public async Task<SqliteConnection> OpenRawConnectionAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public override Task<long> StoredLogLinesAsync(string? sandboxId = null) => ScalarAsync(
        "SELECT COALESCE(SUM(last_sequence - first_sequence + 1), 0) FROM log_chunks WHERE $id = '' OR sandbox_id = $id;",
        ("$id", sandboxId ?? string.Empty));

    public override async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public override void Dispose()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }

        _directory.Dispose();
    }
}
