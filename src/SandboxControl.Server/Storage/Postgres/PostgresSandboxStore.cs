using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using SandboxControl.Server.Secrets;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>
/// The shared engine for several replicas. Every write is one READ COMMITTED transaction that locks the sandbox row
/// (SELECT ... FOR UPDATE) before reading its counters, so concurrent writers on any replica queue on the row and each
/// sees the previous one's commit. Durability is PostgreSQL's (synchronous_commit). Each write also queues a NOTIFY,
/// delivered at commit, that keeps every replica's in-memory sandbox directory and log followers current; see the
/// listener part. Policy operations, credentials and logs are in the other parts of this partial class.
/// </summary>
internal sealed partial class PostgresSandboxStore : ISandboxStore, IDisposable, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnectionStringBuilder _listenerConnectionString;
    private readonly int _logRetentionLines;
    private readonly TimeSpan _maxStaleness;
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PostgresSandboxStore> _logger;
    private const int MaxDeadIncarnations = 100_000;
    private readonly SemaphoreSlim _initializeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, SandboxDirectoryEntry> _directory = new(StringComparer.Ordinal);
    private readonly CertificateAllowList _certificates = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _listener;
    private bool _disposed;

    public PostgresSandboxStore(
        IOptions<StorageOptions> options,
        ISecretProtector protector,
        TimeProvider timeProvider,
        ILogger<PostgresSandboxStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        var value = options.Value;
        var connectionString = value.PostgresConnectionString
            ?? throw new InvalidOperationException("Storage:PostgresConnectionString is required when Storage:Provider is 'postgres'.");
        _dataSource = NpgsqlDataSource.Create(connectionString);
        // Its own unpooled connection: it lives as long as the server and must not take a slot from the pool.
        _listenerConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = ListenerApplicationName };
        _logRetentionLines = value.LogRetentionLines;
        _maxStaleness = value.PostgresMaxStaleness;
        _protector = protector;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public event EventHandler<SandboxChangedEventArgs>? SandboxChanged;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initializeLock.WaitAsync(cancellationToken);
        try
        {
            if (_listener is not null)
            {
                return;
            }

            int schemaVersion;
            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
            {
                schemaVersion = await PostgresMigrations.ApplyAsync(connection, _logger, cancellationToken);
            }

            // The listener loads the directory after LISTEN is in place, so no change falls between the two.
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _listener = Task.Run(() => ListenAsync(connected, _stopping.Token), CancellationToken.None);
            await connected.Task.WaitAsync(cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            Log.PostgresOpened(_logger, builder.Database, builder.Host, schemaVersion, _directory.Count);
        }
        finally
        {
            _initializeLock.Release();
        }
    }

    public async Task<SandboxRecord?> CreateSandboxAsync(string sandboxId, string? initialPolicy, string createdBy, TimeSpan reuseDelay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(createdBy);

        var now = UnixMsNow();
        var incarnation = Incarnations.New();
        var record = await WriteAsync<SandboxRecord?>(
            async connection =>
            {
                await using var insert = Command(
                    connection,
                    "INSERT INTO sandboxes (id, created_at, created_by, policy_version, incarnation) VALUES (@id, @now, @by, @version, @incarnation) ON CONFLICT (id) DO NOTHING;");
                insert.Parameters.AddWithValue("id", sandboxId);
                insert.Parameters.AddWithValue("incarnation", incarnation);
                insert.Parameters.AddWithValue("now", now);
                insert.Parameters.AddWithValue("by", createdBy);
                insert.Parameters.AddWithValue("version", initialPolicy is null ? 0L : 1L);
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    return null;
                }

                // After the insert, so a delete that committed while the insert waited on the row is seen. The database's
                // clock on both sides: replicas' clocks never enter it.
                if (reuseDelay > TimeSpan.Zero)
                {
                    await using var tombstone = Command(
                        connection,
                        "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint - deleted_at FROM sandbox_tombstones WHERE id = @id;");
                    tombstone.Parameters.AddWithValue("id", sandboxId);
                    if (await tombstone.ExecuteScalarAsync(cancellationToken) is long sinceDeletion && sinceDeletion < (long)reuseDelay.TotalMilliseconds)
                    {
                        throw new SandboxIdReusedTooSoonException();
                    }
                }

                if (initialPolicy is not null)
                {
                    await InsertPolicyAsync(connection, sandboxId, 1, initialPolicy, now, createdBy, cancellationToken);
                }

                await NotifyAsync(connection, ChangeNotification.Created(sandboxId, now, incarnation), cancellationToken);
                return new SandboxRecord(sandboxId, StoreRows.FromUnixMs(now), initialPolicy is null ? 0 : 1, incarnation);
            },
            cancellationToken);
        if (record is not null)
        {
            _directory[sandboxId] = new SandboxDirectoryEntry(record.CreatedAt, incarnation);
        }

        return record;
    }

    public async Task<SandboxRecord?> GetSandboxAsync(string sandboxId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var query = Command(connection, "SELECT " + StoreRows.SandboxColumns + " FROM sandboxes WHERE id = @id;");
        query.Parameters.AddWithValue("id", sandboxId);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoreRows.Sandbox(reader) : null;
    }

    public async Task<IReadOnlyList<SandboxRecord>> ListSandboxesAsync(string? afterSandboxId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var query = afterSandboxId is null
            ? Command(connection, "SELECT " + StoreRows.SandboxColumns + " FROM sandboxes ORDER BY id LIMIT @limit;")
            : Command(connection, "SELECT " + StoreRows.SandboxColumns + " FROM sandboxes WHERE id > @after ORDER BY id LIMIT @limit;");
        if (afterSandboxId is not null)
        {
            query.Parameters.AddWithValue("after", afterSandboxId);
        }

        query.Parameters.AddWithValue("limit", limit);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await StoreRows.SandboxesAsync(reader, cancellationToken);
    }

    public async Task<bool> DeleteSandboxAsync(string sandboxId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        var deleted = await WriteAsync<string?>(
            async connection =>
            {
                // ON DELETE CASCADE removes policies, status reports, credentials and logs in the same transaction.
                await using var delete = Command(connection, "DELETE FROM sandboxes WHERE id = @id RETURNING incarnation;");
                delete.Parameters.AddWithValue("id", sandboxId);
                if (await delete.ExecuteScalarAsync(cancellationToken) is not string incarnation)
                {
                    return null;
                }

                // The database's clock, not this replica's: every replica compares against the same one.
                await using var tombstone = Command(
                    connection,
                    """
                    INSERT INTO sandbox_tombstones (id, deleted_at) VALUES (@id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                    ON CONFLICT (id) DO UPDATE SET deleted_at = excluded.deleted_at;
                    """);
                tombstone.Parameters.AddWithValue("id", sandboxId);
                await tombstone.ExecuteNonQueryAsync(cancellationToken);
                await NotifyAsync(connection, ChangeNotification.Deleted(sandboxId, incarnation), cancellationToken);
                return incarnation;
            },
            cancellationToken);
        if (deleted is not null)
        {
            ForgetIncarnation(sandboxId, deleted);
        }

        return deleted is not null;
    }

    public DateTimeOffset? GetSandboxCreatedAt(string sandboxId) => GetSandboxEntry(sandboxId)?.CreatedAt;

    public SandboxDirectoryEntry? GetSandboxEntry(string sandboxId)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        // Fail closed: while the notification connection is down a delete on another replica could go unseen,
        // so past the staleness bound every sandbox identity is refused until the directory is reloaded.
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _confirmedAt)) > _maxStaleness)
        {
            return null;
        }

        return _directory.TryGetValue(sandboxId, out var entry) ? entry : null;
    }

    public AllowedCertificate? FindCertificate(string serialNumber)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);

        return _certificates.Find(serialNumber);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _dataSource.DisposeAsync();
        _stopping.Dispose();
        _initializeLock.Dispose();
    }

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it; NOTIFYs queued inside go out at commit.</summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Locks the sandbox row for the rest of the transaction; null if there is no such sandbox, or it is not
    /// <paramref name="incarnation"/> (when given).
    /// </summary>
    private static async Task<(long PolicyVersion, long LogSequence, string Incarnation)?> LockSandboxAsync(
        NpgsqlConnection connection, string sandboxId, string? incarnation, CancellationToken cancellationToken)
    {
        await using var query = Command(
            connection,
            "SELECT policy_version, log_sequence, incarnation FROM sandboxes WHERE id = @id AND (@incarnation IS NULL OR incarnation = @incarnation) FOR UPDATE;");
        query.Parameters.AddWithValue("id", sandboxId);
        AddIncarnation(query, incarnation);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)) : null;
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, string payload, CancellationToken cancellationToken)
    {
        await using var notify = Command(connection, "SELECT pg_notify(@channel, @payload);");
        notify.Parameters.AddWithValue("channel", ChangeNotification.Channel);
        notify.Parameters.AddWithValue("payload", payload);
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql) => new(sql, connection);

    // Null matches any incarnation (operators); a sandbox caller's pinned incarnation matches only itself.
    private static void AddIncarnation(NpgsqlCommand command, string? incarnation) =>
        command.Parameters.AddWithValue("incarnation", NpgsqlTypes.NpgsqlDbType.Text, (object?)incarnation ?? DBNull.Value);

    /// <summary>Drops a deleted incarnation from memory; a newer incarnation already recorded here is left alone.</summary>
    private void ForgetIncarnation(string sandboxId, string incarnation)
    {
        if (_deadIncarnations.Count > MaxDeadIncarnations)
        {
            // Bounded memory: a replayed notification older than this many deletes is long delivered.
            _deadIncarnations.Clear();
        }

        _deadIncarnations[incarnation] = 0;
        if (_directory.TryGetValue(sandboxId, out var entry) && string.Equals(entry.Incarnation, incarnation, StringComparison.Ordinal))
        {
            _directory.TryRemove(new KeyValuePair<string, SandboxDirectoryEntry>(sandboxId, entry));
        }

        _certificates.RemoveIncarnation(sandboxId, incarnation);
    }


    private long UnixMsNow() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

}
