using Npgsql;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>
/// Pruning of long-expired certificates, on the database's clock (replicas never compare their own). Each batch
/// locks the sandbox rows of its certificates, as revocation and renewal do, so a contraction and a lineage walk or a
/// renewal of the same sandbox never interleave; every replica applies it through the "e" notification.
/// </summary>
internal sealed partial class PostgresSandboxStore
{
    public async Task<int> PruneExpiredCertificatesAsync(TimeSpan retention, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        var pruned = await WriteAsync(
            async connection =>
            {
                // Serials by sandbox, the sandboxes in id order: locked in the order log batches use, so no deadlock.
                var candidates = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
                await using (var select = Command(
                    connection,
                    """
                    SELECT serial, sandbox_id FROM sandbox_certificates
                    WHERE not_after < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - @retentionMs
                    ORDER BY not_after, serial LIMIT @limit;
                    """))
                {
                    select.Parameters.AddWithValue("retentionMs", (long)retention.TotalMilliseconds);
                    select.Parameters.AddWithValue("limit", limit);
                    await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var sandboxId = reader.GetString(1);
                        if (!candidates.TryGetValue(sandboxId, out var serials))
                        {
                            candidates[sandboxId] = serials = [];
                        }

                        serials.Add(reader.GetString(0));
                    }
                }

                var result = new List<PrunedCertificate>();
                foreach (var (sandboxId, serials) in candidates)
                {
                    // A sandbox deleted meanwhile took its certificates with it.
                    if (await LockSandboxAsync(connection, sandboxId, null, cancellationToken) is null)
                    {
                        continue;
                    }

                    foreach (var serial in serials)
                    {
                        if (await PruneOneAsync(connection, serial, cancellationToken) is { } certificate)
                        {
                            result.Add(certificate);
                        }
                    }
                }

                return result;
            },
            cancellationToken);
        foreach (var certificate in pruned)
        {
            // Here at once; the notifications do the same on every replica (and again here, which changes nothing).
            _certificates.RemoveAndReparent(certificate.SerialNumber, certificate.NewParentSerialNumber);
            RaiseChanged(certificate.SandboxId, SandboxChangeKind.CertificatePruned);
        }

        return pruned.Count;
    }

    // One at a time, each reading its parent after the previous deletion re-parented it: a chain of expired
    // certificates contracts to the first one's parent. Null if another replica pruned it first.
    private static async Task<PrunedCertificate?> PruneOneAsync(NpgsqlConnection connection, string serial, CancellationToken cancellationToken)
    {
        string sandboxId;
        string? parent;
        await using (var delete = Command(connection, "DELETE FROM sandbox_certificates WHERE serial = @serial RETURNING sandbox_id, parent_serial;"))
        {
            delete.Parameters.AddWithValue("serial", serial);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            sandboxId = reader.GetString(0);
            parent = await reader.IsDBNullAsync(1, cancellationToken) ? null : reader.GetString(1);
        }

        await using (var reparent = Command(connection, "UPDATE sandbox_certificates SET parent_serial = @parent WHERE parent_serial = @serial;"))
        {
            reparent.Parameters.AddWithValue("parent", NpgsqlTypes.NpgsqlDbType.Text, (object?)parent ?? DBNull.Value);
            reparent.Parameters.AddWithValue("serial", serial);
            await reparent.ExecuteNonQueryAsync(cancellationToken);
        }

        await NotifyAsync(connection, ChangeNotification.CertificatePruned(sandboxId, serial, parent), cancellationToken);
        return new PrunedCertificate(serial, sandboxId, parent);
    }
}
