using System.Collections.Concurrent;
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

    // Incarnations deleted since the last full reload. Ids are random and never come back, so a notification about
    // one (a creation or issuance replayed after this replica's own delete) must not resurrect it.
    private readonly ConcurrentDictionary<string, byte> _deadIncarnations = new(StringComparer.Ordinal);

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
        var current = new Dictionary<string, SandboxDirectoryEntry>(StringComparer.Ordinal);
        Dictionary<string, AllowedCertificate> certificates;
        // One snapshot for both, so no certificate is loaded without the incarnation it belongs to (or the reverse).
        await using (var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken))
        {
            await using (var load = Command(connection, "SELECT id, created_at, incarnation FROM sandboxes;"))
            await using (var reader = await load.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    current[reader.GetString(0)] = new SandboxDirectoryEntry(StoreRows.FromUnixMs(reader.GetInt64(1)), reader.GetString(2));
                }
            }

            await using (var load = Command(connection, "SELECT serial, sandbox_id, incarnation, parent_serial, revoked_at FROM sandbox_certificates;"))
            await using (var reader = await load.ExecuteReaderAsync(cancellationToken))
            {
                certificates = await StoreRows.AllowListAsync(reader, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var removed = new List<string>();
        foreach (var id in _directory.Keys)
        {
            if (!current.ContainsKey(id) && _directory.TryRemove(id, out _))
            {
                removed.Add(id);
            }
        }

        foreach (var (id, entry) in current)
        {
            _directory[id] = entry;
        }

        _certificates.ReplaceAll(certificates);
        _deadIncarnations.Clear();

        // Log lines, deletes or revocations may have been missed while disconnected: wake every follower to re-check.
        foreach (var id in removed.Concat(current.Keys))
        {
            RaiseChanged(id, SandboxChangeKind.Reloaded);
        }

        return current.Count;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (!ChangeNotification.TryParse(e.Payload, out var change))
        {
            return;
        }

        var sandboxId = change.SandboxId;
        switch (change.Kind)
        {
            case SandboxChangeKind.Created when !_deadIncarnations.ContainsKey(change.Incarnation!):
                _directory[sandboxId] = new SandboxDirectoryEntry(StoreRows.FromUnixMs(change.CreatedAtMs), change.Incarnation!);
                break;
            case SandboxChangeKind.Deleted:
                ForgetIncarnation(sandboxId, change.Incarnation!);
                break;
            case SandboxChangeKind.CertificateIssued when !_deadIncarnations.ContainsKey(change.Incarnation!):
                _certificates.Add(change.SerialNumber!, new AllowedCertificate(sandboxId, change.Incarnation!, change.ParentSerialNumber, false));
                break;
            case SandboxChangeKind.CertificateRevoked:
                _certificates.RevokeLineage(change.SerialNumber!);
                break;
            case SandboxChangeKind.CertificatePruned:
                // Only removes and re-parents: a replayed one cannot bring a dead incarnation's certificate back.
                _certificates.RemoveAndReparent(change.SerialNumber!, change.ParentSerialNumber);
                break;
        }

        RaiseChanged(sandboxId, change.Kind);
    }

    private void RaiseChanged(string sandboxId, SandboxChangeKind kind) => SandboxChanged?.Invoke(this, new SandboxChangedEventArgs(sandboxId, kind));
}
