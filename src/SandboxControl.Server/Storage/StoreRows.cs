using System.Data.Common;

namespace SandboxControl.Server.Storage;

/// <summary>
/// Row shapes both engines select (same columns in the same order, times as Unix milliseconds), read the same way
/// whichever driver produced the reader.
/// </summary>
internal static class StoreRows
{
    /// <summary>The sandbox columns every engine selects, in <see cref="Sandbox"/>'s order.</summary>
    public const string SandboxColumns = "id, created_at, policy_version, incarnation";

    /// <summary>Columns: <see cref="SandboxColumns"/>.</summary>
    public static SandboxRecord Sandbox(DbDataReader reader) =>
        new(reader.GetString(0), FromUnixMs(reader.GetInt64(1)), reader.GetInt64(2), reader.GetString(3));

    /// <summary>Columns: serial, sandbox_id, incarnation, parent_serial, not_before, not_after, issued_by, revoked_at.</summary>
    public static CertificateRecord Certificate(DbDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            FromUnixMs(reader.GetInt64(4)),
            FromUnixMs(reader.GetInt64(5)),
            reader.GetString(6),
            reader.IsDBNull(7) ? null : FromUnixMs(reader.GetInt64(7)));

    /// <summary>Columns: serial, sandbox_id, incarnation, parent_serial, revoked_at (nullable): the in-memory allow list.</summary>
    public static async Task<Dictionary<string, AllowedCertificate>> AllowListAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, AllowedCertificate>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries[reader.GetString(0)] = new AllowedCertificate(
                reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), !reader.IsDBNull(4));
        }

        return entries;
    }

    /// <summary>Columns: version, document, created_at, created_by.</summary>
    /// <summary>
    /// Rows of a sandboxes LEFT JOIN sandbox_certificates query: null when no sandbox row came back, otherwise its
    /// certificates (a sandbox without any yields one row of NULLs).
    /// </summary>
    public static async Task<List<CertificateRecord>?> SandboxCertificatesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var certificates = new List<CertificateRecord>();
        var found = false;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found = true;
            if (!reader.IsDBNull(0))
            {
                certificates.Add(Certificate(reader));
            }
        }

        return found ? certificates : null;
    }

    public static PolicyRecord Policy(string sandboxId, DbDataReader reader) =>
        new(sandboxId, reader.GetInt64(0), reader.GetString(1), FromUnixMs(reader.GetInt64(2)), reader.GetString(3));

    public static async Task<List<SandboxRecord>> SandboxesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var sandboxes = new List<SandboxRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sandboxes.Add(Sandbox(reader));
        }

        return sandboxes;
    }

    /// <summary>Columns: those of <see cref="Policy"/>, then the reported state (nullable), newest version first.</summary>
    public static async Task<List<PolicyHistoryRecord>> HistoryAsync(string sandboxId, DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<(PolicyRecord Policy, PolicyState? Reported)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((Policy(sandboxId, reader), reader.IsDBNull(4) ? null : (PolicyState)reader.GetInt32(4)));
        }

        return PolicyStates.History(rows);
    }

    /// <summary>Columns: sequence, ts, level, source, message.</summary>
    public static async Task<List<StoredLogLine>> LogLinesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var lines = new List<StoredLogLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new StoredLogLine(
                reader.GetInt64(0),
                FromUnixMs(reader.GetInt64(1)),
                (LogSeverity)reader.GetInt32(2),
                reader.GetString(3),
                reader.GetString(4)));
        }

        return lines;
    }

    public static DateTimeOffset FromUnixMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}
