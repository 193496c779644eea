using System.Data.Common;

namespace SandboxControl.Server.Storage;

/// <summary>The rollout page both engines select (same columns in the same order), read the same way.</summary>
internal static class RolloutRows
{
    /// <summary>
    /// Columns: id, policy_version, reported state, report message, reported_at, newest LOADED version,
    /// current policy's created_at, sandbox created_at (the nullable ones NULL when absent).
    /// </summary>
    public static async Task<List<PolicyRolloutRecord>> ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<PolicyRolloutRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var version = reader.GetInt64(1);
            PolicyState? reported = reader.IsDBNull(2) ? null : (PolicyState)reader.GetInt32(2);
            var message = reader.IsDBNull(3) ? string.Empty : reader.GetString(3);
            var activeVersion = reader.IsDBNull(5) ? 0 : reader.GetInt64(5);
            // Since the report if there is one, else since the version was written, else since the sandbox exists.
            var since = !reader.IsDBNull(4) ? reader.GetInt64(4) : !reader.IsDBNull(6) ? reader.GetInt64(6) : reader.GetInt64(7);
            rows.Add(new PolicyRolloutRecord(
                reader.GetString(0),
                version,
                PolicyStates.Effective(version, version, reported, activeVersion),
                activeVersion,
                StoreRows.FromUnixMs(since),
                message));
        }

        return rows;
    }

    /// <summary>The page query with the engine's parameter prefix ($ for SQLite, @ for PostgreSQL).</summary>
    public static string Query(char prefix, bool after) => $"""
        SELECT s.id, s.policy_version, ps.state, ps.message, ps.reported_at,
               (SELECT MAX(l.version) FROM policy_status l WHERE l.sandbox_id = s.id AND l.state = {prefix}loaded),
               p.created_at, s.created_at
        FROM sandboxes s
        LEFT JOIN policies p ON p.sandbox_id = s.id AND p.version = s.policy_version
        LEFT JOIN policy_status ps ON ps.sandbox_id = s.id AND ps.version = s.policy_version
        {(after ? $"WHERE s.id > {prefix}after " : string.Empty)}ORDER BY s.id
        LIMIT {prefix}limit;
        """;
}
