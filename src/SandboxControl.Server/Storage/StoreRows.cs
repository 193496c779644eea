using System.Data.Common;

namespace SandboxControl.Server.Storage;

/// <summary>
/// Row shapes both engines select (same columns in the same order, times as Unix milliseconds), read the same way
/// whichever driver produced the reader.
/// </summary>
internal static class StoreRows
{
    /// <summary>Columns: id, created_at, policy_version.</summary>
    public static SandboxRecord Sandbox(DbDataReader reader) =>
        new(reader.GetString(0), FromUnixMs(reader.GetInt64(1)), reader.GetInt64(2));

    /// <summary>Columns: version, document, created_at, created_by.</summary>
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
