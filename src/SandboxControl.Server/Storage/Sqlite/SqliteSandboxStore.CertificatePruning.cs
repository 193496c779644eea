using Microsoft.Data.Sqlite;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>Pruning of long-expired certificates, on the server's clock (this process is the only writer).</summary>
internal sealed partial class SqliteSandboxStore
{
    public async Task<int> PruneExpiredCertificatesAsync(TimeSpan retention, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        var pruned = await WriteAsync(
            async (connection, transaction) =>
            {
                var serials = new List<string>();
                await using (var select = Command(
                    connection,
                    transaction,
                    "SELECT serial FROM sandbox_certificates WHERE not_after < $cutoff ORDER BY not_after, serial LIMIT $limit;"))
                {
                    select.Parameters.AddWithValue("$cutoff", UnixMsNow() - (long)retention.TotalMilliseconds);
                    select.Parameters.AddWithValue("$limit", limit);
                    await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        serials.Add(reader.GetString(0));
                    }
                }

                var result = new List<PrunedCertificate>(serials.Count);
                foreach (var serial in serials)
                {
                    result.Add(await PruneOneAsync(connection, transaction, serial, cancellationToken));
                }

                return result;
            },
            pruned =>
            {
                foreach (var certificate in pruned)
                {
                    _certificates.RemoveAndReparent(certificate.SerialNumber, certificate.NewParentSerialNumber);
                    RaiseChanged(certificate.SandboxId, SandboxChangeKind.CertificatePruned);
                }
            },
            cancellationToken);
        return pruned.Count;
    }

    // One at a time, each reading its parent after the previous deletion re-parented it: a chain of expired
    // certificates contracts to the first one's parent.
    private static async Task<PrunedCertificate> PruneOneAsync(
        SqliteConnection connection, SqliteTransaction transaction, string serial, CancellationToken cancellationToken)
    {
        string sandboxId;
        string? parent;
        await using (var delete = Command(connection, transaction, "DELETE FROM sandbox_certificates WHERE serial = $serial RETURNING sandbox_id, parent_serial;"))
        {
            delete.Parameters.AddWithValue("$serial", serial);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            sandboxId = reader.GetString(0);
            parent = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        await using var reparent = Command(connection, transaction, "UPDATE sandbox_certificates SET parent_serial = $parent WHERE parent_serial = $serial;");
        reparent.Parameters.AddWithValue("$parent", (object?)parent ?? DBNull.Value);
        reparent.Parameters.AddWithValue("$serial", serial);
        await reparent.ExecuteNonQueryAsync(cancellationToken);
        return new PrunedCertificate(serial, sandboxId, parent);
    }
}
