using Microsoft.Data.Sqlite;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>Policy versions (optimistic concurrency on sandboxes.policy_version) and status reports.</summary>
internal sealed partial class SqliteSandboxStore
{
    // One statement, so the current version, its report and the active version come from one snapshot.
    private const string StatusQuery = """
        SELECT s.policy_version, ps.state, ps.message, ps.reported_at,
               (SELECT MAX(version) FROM policy_status WHERE sandbox_id = s.id AND state = $loaded)
        FROM sandboxes s
        LEFT JOIN policy_status ps ON ps.sandbox_id = s.id AND ps.version = s.policy_version
        WHERE s.id = $id AND ($incarnation IS NULL OR s.incarnation = $incarnation);
        """;

    public async Task<PolicyRecord?> GetCurrentPolicyAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(
            connection,
            null,
            """
            SELECT p.version, p.document, p.created_at, p.created_by
            FROM sandboxes s JOIN policies p ON p.sandbox_id = s.id AND p.version = s.policy_version
            WHERE s.id = $id AND ($incarnation IS NULL OR s.incarnation = $incarnation);
            """);
        query.Parameters.AddWithValue("$id", sandboxId);
        AddIncarnation(query, incarnation);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoreRows.Policy(sandboxId, reader) : null;
    }

    public async Task<PolicyUpdateResult> UpdatePolicyAsync(string sandboxId, long expectedVersion, string document, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(createdBy);

        return await WriteAsync(
            async (connection, transaction) =>
            {
                var current = await ReadPolicyVersionAsync(connection, transaction, sandboxId, null, cancellationToken);
                if (current is null)
                {
                    return new PolicyUpdateResult(PolicyUpdateOutcome.SandboxNotFound, null, 0);
                }

                if (current.Value != expectedVersion)
                {
                    return new PolicyUpdateResult(PolicyUpdateOutcome.StaleVersion, null, current.Value);
                }

                if (await ReadPolicyAsync(connection, transaction, sandboxId, current.Value, cancellationToken) is { } existing
                    && string.Equals(existing.Document, document, StringComparison.Ordinal))
                {
                    return new PolicyUpdateResult(PolicyUpdateOutcome.Unchanged, existing, current.Value);
                }

                var version = expectedVersion + 1;
                var now = UnixMsNow();
                await InsertPolicyAsync(connection, transaction, sandboxId, version, document, now, createdBy, cancellationToken);

                // Compare-and-set again in SQL: the row is the source of truth, whatever the in-process lock does.
                await using var bump = Command(
                    connection,
                    transaction,
                    "UPDATE sandboxes SET policy_version = $version WHERE id = $id AND policy_version = $expected;");
                bump.Parameters.AddWithValue("$version", version);
                bump.Parameters.AddWithValue("$id", sandboxId);
                bump.Parameters.AddWithValue("$expected", expectedVersion);
                if (await bump.ExecuteNonQueryAsync(cancellationToken) != 1)
                {
                    throw new InvalidOperationException("The policy version changed inside a write transaction.");
                }

                var policy = new PolicyRecord(sandboxId, version, document, StoreRows.FromUnixMs(now), createdBy);
                return new PolicyUpdateResult(PolicyUpdateOutcome.Updated, policy, version);
            },
            result =>
            {
                if (result.Outcome == PolicyUpdateOutcome.Updated)
                {
                    RaiseChanged(sandboxId, SandboxChangeKind.PolicyChanged);
                }
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<PolicyHistoryRecord>> ListPoliciesAsync(string sandboxId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(
            connection,
            null,
            """
            SELECT p.version, p.document, p.created_at, p.created_by, ps.state
            FROM policies p
            LEFT JOIN policy_status ps ON ps.sandbox_id = p.sandbox_id AND ps.version = p.version
            WHERE p.sandbox_id = $id
            ORDER BY p.version DESC;
            """);
        query.Parameters.AddWithValue("$id", sandboxId);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await StoreRows.HistoryAsync(sandboxId, reader, cancellationToken);
    }

    public async Task<StatusReportResult> ReportPolicyStatusAsync(string sandboxId, string? incarnation, long version, PolicyState state, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(message);
        if (state is not (PolicyState.Loaded or PolicyState.Failed))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "Only Loaded or Failed can be reported.");
        }

        return await WriteAsync(
            async (connection, transaction) =>
            {
                var current = await ReadPolicyVersionAsync(connection, transaction, sandboxId, incarnation, cancellationToken);
                if (current is null)
                {
                    return new StatusReportResult(StatusReportOutcome.SandboxNotFound, null, 0);
                }

                if (current.Value == 0)
                {
                    return new StatusReportResult(StatusReportOutcome.NoPolicy, null, 0);
                }

                if (current.Value != version)
                {
                    return new StatusReportResult(StatusReportOutcome.StaleVersion, null, current.Value);
                }

                // The latest report for a version wins (a sandbox may fail to reload a version it loaded before).
                await using var upsert = Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO policy_status (sandbox_id, version, state, message, reported_at)
                    VALUES ($id, $version, $state, $message, $now)
                    ON CONFLICT (sandbox_id, version) DO UPDATE
                    SET state = excluded.state, message = excluded.message, reported_at = excluded.reported_at;
                    """);
                upsert.Parameters.AddWithValue("$id", sandboxId);
                upsert.Parameters.AddWithValue("$version", version);
                upsert.Parameters.AddWithValue("$state", (int)state);
                upsert.Parameters.AddWithValue("$message", message);
                upsert.Parameters.AddWithValue("$now", UnixMsNow());
                await upsert.ExecuteNonQueryAsync(cancellationToken);

                var status = await ReadStatusAsync(connection, transaction, sandboxId, incarnation, cancellationToken);
                return new StatusReportResult(StatusReportOutcome.Recorded, status, version);
            },
            null,
            cancellationToken);
    }

    public async Task<PolicyStatusRecord?> GetPolicyStatusAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        await using var connection = await OpenAsync(cancellationToken);
        return await ReadStatusAsync(connection, null, sandboxId, incarnation, cancellationToken);
    }

    /// <summary>Null if the sandbox does not exist. Version 0 / Pending when it has no policy yet.</summary>
    private static async Task<PolicyStatusRecord?> ReadStatusAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sandboxId, string? incarnation, CancellationToken cancellationToken)
    {
        await using var query = Command(connection, transaction, StatusQuery);
        query.Parameters.AddWithValue("$id", sandboxId);
        AddIncarnation(query, incarnation);
        query.Parameters.AddWithValue("$loaded", (int)PolicyState.Loaded);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var version = reader.GetInt64(0);
        PolicyState? reported = reader.IsDBNull(1) ? null : (PolicyState)reader.GetInt32(1);
        var message = reader.IsDBNull(2) ? string.Empty : reader.GetString(2);
        DateTimeOffset? reportedAt = reader.IsDBNull(3) ? null : StoreRows.FromUnixMs(reader.GetInt64(3));
        var activeVersion = reader.IsDBNull(4) ? 0 : reader.GetInt64(4);
        var state = PolicyStates.Effective(version, version, reported, activeVersion);
        return new PolicyStatusRecord(sandboxId, version, state, message, reportedAt, activeVersion);
    }

    private static async Task<PolicyRecord?> ReadPolicyAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sandboxId, long version, CancellationToken cancellationToken)
    {
        await using var query = Command(
            connection,
            transaction,
            "SELECT version, document, created_at, created_by FROM policies WHERE sandbox_id = $id AND version = $version;");
        query.Parameters.AddWithValue("$id", sandboxId);
        query.Parameters.AddWithValue("$version", version);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoreRows.Policy(sandboxId, reader) : null;
    }

    private static async Task<long?> ReadPolicyVersionAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sandboxId, string? incarnation, CancellationToken cancellationToken)
    {
        await using var query = Command(
            connection, transaction, "SELECT policy_version FROM sandboxes WHERE id = $id AND ($incarnation IS NULL OR incarnation = $incarnation);");
        query.Parameters.AddWithValue("$id", sandboxId);
        AddIncarnation(query, incarnation);
        var value = await query.ExecuteScalarAsync(cancellationToken);
        return value is null ? null : (long)value;
    }

    private static async Task InsertPolicyAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string sandboxId,
        long version,
        string document,
        long createdAtUnixMs,
        string createdBy,
        CancellationToken cancellationToken)
    {
        await using var insert = Command(
            connection,
            transaction,
            "INSERT INTO policies (sandbox_id, version, document, created_at, created_by) VALUES ($id, $version, $document, $now, $by);");
        insert.Parameters.AddWithValue("$id", sandboxId);
        insert.Parameters.AddWithValue("$version", version);
        insert.Parameters.AddWithValue("$document", document);
        insert.Parameters.AddWithValue("$now", createdAtUnixMs);
        insert.Parameters.AddWithValue("$by", createdBy);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

}
