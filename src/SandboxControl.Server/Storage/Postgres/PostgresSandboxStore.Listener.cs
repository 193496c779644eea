using System.Diagnostics;
using Npgsql;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>
/// Cross-replica freshness: one long-lived connection LISTENs for the changes every write NOTIFYs, applies them to the
/// in-memory directory and raises <see cref="SandboxChanged"/>. It pings when idle; each answered ping (or received
/// notification) confirms the directory, and identity checks fail closed once the last confirmation is older than
/// Storage:PostgresMaxStaleness. On reconnect it reloads the whole directory, since notifications sent while it was
/// away are lost.
/// </summary>
internal sealed partial class PostgresSandboxStore
{
    /// <summary>The listener's application_name, so operators (and tests) can tell it apart in pg_stat_activity.</summary>
    public const string ListenerApplicationName = "sandboxcontrol-listener";

    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(200);

    // Stopwatch timestamp of the last time the directory was known current; 0 (long ago) until the first load.
    private long _confirmedAt;

    private async Task ListenAsync(TaskCompletionSource connected, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_listenerConnectionString.ConnectionString);
                await connection.OpenAsync(stopping);
                connection.Notification += OnNotification;
                await using (var listen = Command(connection, "LISTEN " + ChangeNotification.Channel + ";"))
                {
                    await listen.ExecuteNonQueryAsync(stopping);
                }

                var sentAt = Stopwatch.GetTimestamp();
                var count = await ReloadDirectoryAsync(connection, stopping);
                Volatile.Write(ref _confirmedAt, sentAt);
                Log.ListenerConnected(_logger, count);
                connected.TrySetResult();

                await using var ping = Command(connection, "SELECT 1;");
                while (true)
                {
                    sentAt = Stopwatch.GetTimestamp();
                    if (!await connection.WaitAsync(PingInterval, stopping))
                    {
                        await ping.ExecuteNonQueryAsync(stopping);
                    }

                    // Notifications are delivered before the answer to anything sent after them, so everything
                    // committed before sentAt has been applied.
                    Volatile.Write(ref _confirmedAt, sentAt);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                Log.ListenerFailed(_logger, ex);
                if (!connected.Task.IsCompleted)
                {
                    // Start-up: the database answered the migrations a moment ago, so report rather than retry forever.
                    connected.TrySetException(ex);
                    return;
                }
            }

            try
            {
                await Task.Delay(ReconnectDelay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> ReloadDirectoryAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var current = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using (var load = Command(connection, "SELECT id, created_at FROM sandboxes;"))
        await using (var reader = await load.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                current[reader.GetString(0)] = StoreRows.FromUnixMs(reader.GetInt64(1));
            }
        }

        var removed = new List<string>();
        foreach (var id in _createdAt.Keys)
        {
            if (!current.ContainsKey(id) && _createdAt.TryRemove(id, out _))
            {
                removed.Add(id);
            }
        }

        foreach (var (id, createdAt) in current)
        {
            _createdAt[id] = createdAt;
        }

        // Log lines or deletes may have been missed while disconnected: wake every follower to re-check.
        foreach (var id in removed.Concat(current.Keys))
        {
            RaiseChanged(id, SandboxChangeKind.Reloaded);
        }

        return current.Count;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (!ChangeNotification.TryParse(e.Payload, out var kind, out var sandboxId, out var createdAtMs))
        {
            return;
        }

        switch (kind)
        {
            case SandboxChangeKind.Created:
                _createdAt[sandboxId] = StoreRows.FromUnixMs(createdAtMs);
                break;
            case SandboxChangeKind.Deleted:
                _createdAt.TryRemove(sandboxId, out _);
                break;
        }

        RaiseChanged(sandboxId, kind);
    }

    private void RaiseChanged(string sandboxId, SandboxChangeKind kind) => SandboxChanged?.Invoke(this, new SandboxChangedEventArgs(sandboxId, kind));
}
