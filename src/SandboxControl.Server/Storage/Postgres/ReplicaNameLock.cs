using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Hosting;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>
/// With PostgreSQL, claims this server's Audit:Replica name for the life of the process: a session advisory lock on a
/// dedicated connection, so two running servers cannot mix their audit events and shipping marks under one name. The
/// lock goes with the connection (shutdown, process death). When the connection drops it is claimed again on
/// reconnect; a name taken by another server meanwhile is logged, not fatal. With SQLite it does nothing.
/// </summary>
internal sealed class ReplicaNameLock : IAsyncDisposable, IDisposable
{
    /// <summary>The lock connection's application_name, so operators can tell it apart in pg_stat_activity.</summary>
    public const string ApplicationName = "sandboxcontrol-replica-name";

    // Arbitrary, fixed first key of the two-int4 form; that form never conflicts with the migrations' bigint key.
    private const int LockNamespace = 0x5343_5250;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly string? _connectionString;
    private readonly string _name;
    private readonly int _key;
    private readonly ILogger<ReplicaNameLock> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _holder;
    private bool _reportedTaken;

    public ReplicaNameLock(IOptions<StorageOptions> storage, IOptions<AuditOptions> audit, ILogger<ReplicaNameLock> logger)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(audit);

        // The name as the audit index stores it: that is the key two servers would collide on.
        _name = AuditText.Sanitize(audit.Value.Replica) ?? string.Empty;
        // string.GetHashCode is randomized per process; every replica must derive the same key.
        _key = BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(_name)));
        _connectionString = storage.Value is { IsPostgres: true, PostgresConnectionString: { } connectionString }
            ? LockConnectionString(connectionString)
            : null;
        _logger = logger;
    }

    // A server that dies without closing its connection (host crash, network cut) holds the lock until the database
    // notices. The database's TCP keepalives on this one session make that about 25 s instead of the system's default
    // of two hours, so a replacement with the same name is not refused for long. (Unix sockets have no keepalives;
    // there the database shares the host, and a host crash ends both.)
    private static string LockConnectionString(string connectionString)
    {
        const string Keepalives = "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3";
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = ApplicationName };
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? Keepalives : builder.Options + " " + Keepalives;
        return builder.ConnectionString;
    }

    /// <summary>Claims the name, or throws <see cref="StartupProblemException"/> when another running server holds it.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        if (_connectionString is null || _holder is not null)
        {
            return;
        }

        var connection = await OpenLockedAsync(cancellationToken) ?? throw new StartupProblemException(
            $"Audit:Replica '{_name}' is already in use by another running server on this database; give each replica its own name");
        _holder = Task.Run(() => HoldAsync(connection, _stopping.Token), CancellationToken.None);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_holder is not null)
        {
            await _holder.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private async Task HoldAsync(NpgsqlConnection? connection, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                // An idle ping notices a dropped connection (and so a lost lock) within a second.
                await Task.Delay(CheckInterval, stopping);
                if (connection is null)
                {
                    connection = await TryReclaimAsync(stopping);
                    continue;
                }

                await using var ping = new NpgsqlCommand("SELECT 1;", connection);
                await ping.ExecuteNonQueryAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (connection is not null)
                {
                    Log.ReplicaNameConnectionLost(_logger, _name, ex);
                    await connection.DisposeAsync();
                    connection = null;
                }
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>The locked connection, or null while another server holds the name (throws while the database is away).</summary>
    private async Task<NpgsqlConnection?> TryReclaimAsync(CancellationToken cancellationToken)
    {
        if (await OpenLockedAsync(cancellationToken) is { } connection)
        {
            Log.ReplicaNameReclaimed(_logger, _name);
            _reportedTaken = false;
            return connection;
        }

        if (!_reportedTaken)
        {
            Log.ReplicaNameTaken(_logger, _name);
            _reportedTaken = true;
        }

        return null;
    }

    /// <summary>A new connection holding the name's lock, or null (connection closed) when another session holds it.</summary>
    private async Task<NpgsqlConnection?> OpenLockedAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@namespace, @key);", connection);
            command.Parameters.AddWithValue("namespace", LockNamespace);
            command.Parameters.AddWithValue("key", _key);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return connection;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }
}
