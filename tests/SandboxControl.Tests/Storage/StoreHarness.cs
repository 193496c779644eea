using SandboxControl.Server.Storage;

namespace SandboxControl.Tests.Storage;

/// <summary>
/// One database of one engine, one secrets key, and any number of store instances on it. SQL passed to
/// <see cref="ScalarAsync"/> and <see cref="ExecuteAsync"/> is written for both engines, parameters named "$name".
/// </summary>
internal abstract class StoreHarness : IDisposable
{
    public static StoreHarness Create(StoreEngine engine) => engine switch
    {
        StoreEngine.Sqlite => new SqliteStoreHarness(),
        StoreEngine.Postgres => new PostgresStoreHarness(),
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, null),
    };

    public abstract Task<ISandboxStore> OpenStoreAsync(int logRetentionLines = 10_000, TimeProvider? timeProvider = null);

    public abstract Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters);

    public abstract Task<int> ExecuteAsync(string sql);

    /// <summary>
    /// Log line slots physically stored, optionally for one sandbox: PostgreSQL keeps a row per line, SQLite a row
    /// per pushed message, so a message that straddles the retention cutoff is kept whole there.
    /// </summary>
    public abstract Task<long> StoredLogLinesAsync(string? sandboxId = null);

    /// <summary>Closes one store (as the server does at shutdown) while the database stays.</summary>
    public static void Close(ISandboxStore store) => ((IDisposable)store).Dispose();

    /// <summary>Creates a sandbox as an operator would and returns its incarnation.</summary>
    public static async Task<string> CreateSandboxAsync(ISandboxStore store, string id)
    {
        await store.CreateSandboxAsync(id, null, "operator/admin", CancellationToken.None);
        return store.GetSandboxEntry(id)!.Incarnation;
    }

    public abstract void Dispose();
}
