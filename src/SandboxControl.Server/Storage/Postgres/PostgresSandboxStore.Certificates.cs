using Npgsql;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>
/// The certificates the server signed. Recording and revoking both lock the sandbox row first, so a renewal and a
/// revocation of the same lineage on two replicas queue: either the renewal commits first and is revoked with the
/// rest, or it sees its parent revoked and is refused. Every replica's allow list follows through notifications.
/// </summary>
internal sealed partial class PostgresSandboxStore
{
    private const string LineageRevocation = """
        WITH RECURSIVE lineage (serial) AS (
            SELECT serial FROM sandbox_certificates WHERE serial = @serial
            UNION
            SELECT c.serial FROM sandbox_certificates c JOIN lineage l ON c.parent_serial = l.serial
        )
        UPDATE sandbox_certificates SET revoked_at = COALESCE(revoked_at, @now)
        WHERE serial IN (SELECT serial FROM lineage)
        RETURNING serial;
        """;

    public async Task<CertificateRecordOutcome> RecordCertificateAsync(CertificateRecord certificate, int maxLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);

        var outcome = await WriteAsync(
            async connection =>
            {
                if (await LockSandboxAsync(connection, certificate.SandboxId, certificate.Incarnation, cancellationToken) is null)
                {
                    return CertificateRecordOutcome.SandboxGone;
                }

                if (certificate.ParentSerialNumber is { } parent && !await ParentAliveAsync(connection, certificate, parent, cancellationToken))
                {
                    return CertificateRecordOutcome.ParentRevoked;
                }

                // Counted under the sandbox row lock: a concurrent renewal on any replica waits, then counts this insert.
                if (await LiveCertificatesAsync(connection, certificate, cancellationToken) >= maxLive)
                {
                    return CertificateRecordOutcome.TooManyLive;
                }

                await using (var insert = Command(
                    connection,
                    """
                    INSERT INTO sandbox_certificates (serial, sandbox_id, incarnation, parent_serial, not_before, not_after, issued_by, issued_at)
                    VALUES (@serial, @id, @incarnation, @parent, @notBefore, @notAfter, @by, @now);
                    """))
                {
                    insert.Parameters.AddWithValue("serial", certificate.SerialNumber);
                    insert.Parameters.AddWithValue("id", certificate.SandboxId);
                    insert.Parameters.AddWithValue("incarnation", certificate.Incarnation);
                    insert.Parameters.AddWithValue("parent", NpgsqlTypes.NpgsqlDbType.Text, (object?)certificate.ParentSerialNumber ?? DBNull.Value);
                    insert.Parameters.AddWithValue("notBefore", certificate.NotBefore.ToUnixTimeMilliseconds());
                    insert.Parameters.AddWithValue("notAfter", certificate.NotAfter.ToUnixTimeMilliseconds());
                    insert.Parameters.AddWithValue("by", certificate.IssuedBy);
                    insert.Parameters.AddWithValue("now", UnixMsNow());
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                await NotifyAsync(
                    connection,
                    ChangeNotification.CertificateIssued(certificate.SandboxId, certificate.SerialNumber, certificate.Incarnation, certificate.ParentSerialNumber),
                    cancellationToken);
                return CertificateRecordOutcome.Recorded;
            },
            cancellationToken);
        if (outcome == CertificateRecordOutcome.Recorded)
        {
            // Usable on this replica at once; others follow through the notification.
            _certificates.Add(certificate.SerialNumber, new AllowedCertificate(certificate.SandboxId, certificate.Incarnation, certificate.ParentSerialNumber, false));
        }

        return outcome;
    }

    public async Task<IReadOnlyList<CertificateRecord>?> ListCertificatesAsync(string sandboxId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // One statement: the incarnation and its certificates from one snapshot. The sandbox row comes back even with
        // no certificate (LEFT JOIN), which tells an empty list from a missing sandbox.
        await using var query = Command(
            connection,
            """
            SELECT c.serial, c.sandbox_id, c.incarnation, c.parent_serial, c.not_before, c.not_after, c.issued_by, c.revoked_at
            FROM sandboxes s LEFT JOIN sandbox_certificates c ON c.sandbox_id = s.id AND c.incarnation = s.incarnation
            WHERE s.id = @id
            ORDER BY c.issued_at, c.serial;
            """);
        query.Parameters.AddWithValue("id", sandboxId);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await StoreRows.SandboxCertificatesAsync(reader, cancellationToken);
    }

    public async Task<CertificateRevocation?> RevokeCertificateLineageAsync(string serialNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);

        var revocation = await WriteAsync<CertificateRevocation?>(
            async connection =>
            {
                string sandboxId;
                await using (var find = Command(connection, "SELECT sandbox_id FROM sandbox_certificates WHERE serial = @serial;"))
                {
                    find.Parameters.AddWithValue("serial", serialNumber);
                    if (await find.ExecuteScalarAsync(cancellationToken) is not string owner)
                    {
                        return null;
                    }

                    sandboxId = owner;
                }

                // Queue behind (or ahead of) any renewal in this lineage; see the class comment.
                if (await LockSandboxAsync(connection, sandboxId, null, cancellationToken) is null)
                {
                    return null;
                }

                var serials = new List<string>();
                await using (var revoke = Command(connection, LineageRevocation))
                {
                    revoke.Parameters.AddWithValue("serial", serialNumber);
                    revoke.Parameters.AddWithValue("now", UnixMsNow());
                    await using var reader = await revoke.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        serials.Add(reader.GetString(0));
                    }
                }

                if (serials.Count == 0)
                {
                    return null;
                }

                await NotifyAsync(connection, ChangeNotification.CertificateRevoked(sandboxId, serialNumber), cancellationToken);
                return new CertificateRevocation(sandboxId, serials);
            },
            cancellationToken);
        if (revocation is not null)
        {
            _certificates.MarkRevoked(revocation.RevokedSerialNumbers);
            // Wakes idle log followers here at once; the notification does the same on every replica.
            RaiseChanged(revocation.SandboxId, SandboxChangeKind.CertificateRevoked);
        }

        return revocation;
    }

    private async Task<long> LiveCertificatesAsync(NpgsqlConnection connection, CertificateRecord certificate, CancellationToken cancellationToken)
    {
        await using var query = Command(
            connection,
            """
            SELECT COUNT(*) FROM sandbox_certificates
            WHERE sandbox_id = @id AND incarnation = @incarnation AND revoked_at IS NULL AND not_after > @now;
            """);
        query.Parameters.AddWithValue("id", certificate.SandboxId);
        query.Parameters.AddWithValue("incarnation", certificate.Incarnation);
        query.Parameters.AddWithValue("now", UnixMsNow());
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> ParentAliveAsync(NpgsqlConnection connection, CertificateRecord certificate, string parent, CancellationToken cancellationToken)
    {
        await using var query = Command(
            connection,
            "SELECT revoked_at IS NULL AND incarnation = @incarnation FROM sandbox_certificates WHERE serial = @parent;");
        query.Parameters.AddWithValue("parent", parent);
        query.Parameters.AddWithValue("incarnation", certificate.Incarnation);
        // A parent the server never recorded is an external certificate (only accepted when that mode is on).
        return await query.ExecuteScalarAsync(cancellationToken) is not bool alive || alive;
    }
}
