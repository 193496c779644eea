using Microsoft.Data.Sqlite;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>The certificates the server signed: recorded per incarnation, revoked by lineage, mirrored in the allow list.</summary>
internal sealed partial class SqliteSandboxStore
{
    private const string LineageRevocation = """
        WITH RECURSIVE lineage (serial) AS (
            SELECT serial FROM sandbox_certificates WHERE serial = $serial
            UNION
            SELECT c.serial FROM sandbox_certificates c JOIN lineage l ON c.parent_serial = l.serial
        )
        UPDATE sandbox_certificates SET revoked_at = COALESCE(revoked_at, $now)
        WHERE serial IN (SELECT serial FROM lineage)
        RETURNING serial, sandbox_id;
        """;

    public async Task<CertificateRecordOutcome> RecordCertificateAsync(CertificateRecord certificate, int maxLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);

        return await WriteAsync(
            async (connection, transaction) =>
            {
                await using (var current = Command(connection, transaction, "SELECT incarnation FROM sandboxes WHERE id = $id;"))
                {
                    current.Parameters.AddWithValue("$id", certificate.SandboxId);
                    if (await current.ExecuteScalarAsync(cancellationToken) is not string incarnation
                        || !string.Equals(incarnation, certificate.Incarnation, StringComparison.Ordinal))
                    {
                        return CertificateRecordOutcome.SandboxGone;
                    }
                }

                if (certificate.ParentSerialNumber is { } parent && !await ParentAliveAsync(connection, transaction, certificate, parent, cancellationToken))
                {
                    return CertificateRecordOutcome.ParentRevoked;
                }

                // In the same BEGIN IMMEDIATE transaction as the insert, so two renewals cannot both pass the count.
                if (await LiveCertificatesAsync(connection, transaction, certificate, cancellationToken) >= maxLive)
                {
                    return CertificateRecordOutcome.TooManyLive;
                }

                await using var insert = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO sandbox_certificates (serial, sandbox_id, incarnation, parent_serial, not_before, not_after, issued_by, issued_at)
                    VALUES ($serial, $id, $incarnation, $parent, $notBefore, $notAfter, $by, $now);
                    """);
                insert.Parameters.AddWithValue("$serial", certificate.SerialNumber);
                insert.Parameters.AddWithValue("$id", certificate.SandboxId);
                insert.Parameters.AddWithValue("$incarnation", certificate.Incarnation);
                insert.Parameters.AddWithValue("$parent", (object?)certificate.ParentSerialNumber ?? DBNull.Value);
                insert.Parameters.AddWithValue("$notBefore", certificate.NotBefore.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$notAfter", certificate.NotAfter.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$by", certificate.IssuedBy);
                insert.Parameters.AddWithValue("$now", UnixMsNow());
                await insert.ExecuteNonQueryAsync(cancellationToken);
                return CertificateRecordOutcome.Recorded;
            },
            outcome =>
            {
                if (outcome == CertificateRecordOutcome.Recorded)
                {
                    _certificates.Add(
                        certificate.SerialNumber,
                        new AllowedCertificate(certificate.SandboxId, certificate.Incarnation, certificate.ParentSerialNumber, false));
                    RaiseChanged(certificate.SandboxId, SandboxChangeKind.CertificateIssued);
                }
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<CertificateRecord>?> ListCertificatesAsync(string sandboxId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        await using var connection = await OpenAsync(cancellationToken);
        // One statement: the sandbox row comes back even with no certificate (LEFT JOIN), which tells an empty list
        // from a missing sandbox.
        await using var query = Command(
            connection,
            null,
            """
            SELECT c.serial, c.sandbox_id, c.incarnation, c.parent_serial, c.not_before, c.not_after, c.issued_by, c.revoked_at
            FROM sandboxes s LEFT JOIN sandbox_certificates c ON c.sandbox_id = s.id AND c.incarnation = s.incarnation
            WHERE s.id = $id
            ORDER BY c.issued_at, c.serial;
            """);
        query.Parameters.AddWithValue("$id", sandboxId);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await StoreRows.SandboxCertificatesAsync(reader, cancellationToken);
    }

    public async Task<CertificateRevocation?> RevokeCertificateLineageAsync(string serialNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);

        return await WriteAsync(
            async (connection, transaction) =>
            {
                await using var revoke = Command(connection, transaction, LineageRevocation);
                revoke.Parameters.AddWithValue("$serial", serialNumber);
                revoke.Parameters.AddWithValue("$now", UnixMsNow());
                await using var reader = await revoke.ExecuteReaderAsync(cancellationToken);
                var serials = new List<string>();
                string? sandboxId = null;
                while (await reader.ReadAsync(cancellationToken))
                {
                    serials.Add(reader.GetString(0));
                    sandboxId = reader.GetString(1);
                }

                return sandboxId is null ? null : new CertificateRevocation(sandboxId, serials);
            },
            revocation =>
            {
                if (revocation is not null)
                {
                    _certificates.MarkRevoked(revocation.RevokedSerialNumbers);

                    // Wakes idle log followers, so a revoked certificate's stream ends now.
                    RaiseChanged(revocation.SandboxId, SandboxChangeKind.CertificateRevoked);
                }
            },
            cancellationToken);
    }

    private async Task<long> LiveCertificatesAsync(
        SqliteConnection connection, SqliteTransaction transaction, CertificateRecord certificate, CancellationToken cancellationToken)
    {
        await using var query = Command(
            connection,
            transaction,
            """
            SELECT COUNT(*) FROM sandbox_certificates
            WHERE sandbox_id = $id AND incarnation = $incarnation AND revoked_at IS NULL AND not_after > $now;
            """);
        query.Parameters.AddWithValue("$id", certificate.SandboxId);
        query.Parameters.AddWithValue("$incarnation", certificate.Incarnation);
        query.Parameters.AddWithValue("$now", UnixMsNow());
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<bool> ParentAliveAsync(
        SqliteConnection connection, SqliteTransaction transaction, CertificateRecord certificate, string parent, CancellationToken cancellationToken)
    {
        await using var query = Command(
            connection,
            transaction,
            "SELECT revoked_at IS NULL AND incarnation = $incarnation FROM sandbox_certificates WHERE serial = $parent;");
        query.Parameters.AddWithValue("$parent", parent);
        query.Parameters.AddWithValue("$incarnation", certificate.Incarnation);
        // A parent the server never recorded is an external certificate (only accepted when that mode is on).
        return await query.ExecuteScalarAsync(cancellationToken) is not long alive || alive == 1;
    }
}
