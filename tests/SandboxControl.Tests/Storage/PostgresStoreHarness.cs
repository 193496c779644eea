using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SandboxControl.Server.Secrets;
using SandboxControl.Server.Storage;
using SandboxControl.Server.Storage.Postgres;

namespace SandboxControl.Tests.Storage;

/// <summary>A fresh PostgreSQL database per harness (so per test), dropped on dispose after every store closed.</summary>
internal sealed class PostgresStoreHarness : StoreHarness
{
    private readonly PostgresTestDatabase _database = new();
    private readonly List<IDisposable> _disposables = [];
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string ConnectionString => _database.ConnectionString;

    public override Task<ISandboxStore> OpenStoreAsync(int logRetentionLines = 10_000, TimeProvider? timeProvider = null) =>
        OpenPostgresStoreAsync(logRetentionLines, timeProvider);

    public async Task<ISandboxStore> OpenPostgresStoreAsync(int logRetentionLines = 10_000, TimeProvider? timeProvider = null, TimeSpan? maxStaleness = null)
    {
        var options = Options.Create(new StorageOptions
        {
            Provider = StorageOptions.PostgresProvider,
            PostgresConnectionString = _database.ConnectionString,
            LogRetentionLines = logRetentionLines,
            PostgresMaxStaleness = maxStaleness ?? TimeSpan.FromSeconds(30),
        });
        var protector = new AesGcmSecretProtector(_key);
        _disposables.Add(protector);
        var store = new PostgresSandboxStore(options, protector, timeProvider ?? TimeProvider.System, NullLogger<PostgresSandboxStore>.Instance);
        _disposables.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public Task<NpgsqlConnection> OpenRawConnectionAsync() => _database.OpenAsync();

    public override Task<long> StoredLogLinesAsync(string? sandboxId = null) => ScalarAsync(
        "SELECT COUNT(*) FROM logs WHERE $id = '' OR sandbox_id = $id;",
        ("$id", sandboxId ?? string.Empty));

    public override async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace('$', '@'), connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name.TrimStart('$'), value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<string?> ScalarTextAsync(string sql)
    {
        await using var connection = await _database.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>Runs SQL connected to the server's own database, for when this one refuses connections.</summary>
    public static Task ExecuteOnServerAsync(string sql) => PostgresTestDatabase.ExecuteOnServerAsync(sql);

    public override void Dispose()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }

        _database.Dispose();
    }
}
