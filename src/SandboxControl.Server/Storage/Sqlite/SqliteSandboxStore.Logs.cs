using Microsoft.Data.Sqlite;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>Sandbox logs: per-sandbox sequences from sandboxes.log_sequence, trimmed to the retention cap.</summary>
internal sealed partial class SqliteSandboxStore
{
    public async Task<long?> AppendLogsAsync(string sandboxId, string? incarnation, IReadOnlyList<LogLineRecord> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(lines);

        return await WriteAsync(
            async (connection, transaction) =>
            {
                await using var read = Command(
                    connection, transaction, "SELECT log_sequence FROM sandboxes WHERE id = $id AND ($incarnation IS NULL OR incarnation = $incarnation);");
                read.Parameters.AddWithValue("$id", sandboxId);
                AddIncarnation(read, incarnation);
                if (await read.ExecuteScalarAsync(cancellationToken) is not long last)
                {
                    return (long?)null;
                }

                if (lines.Count == 0)
                {
                    return last;
                }

                await using (var insert = Command(
                    connection,
                    transaction,
                    "INSERT INTO logs (sandbox_id, sequence, ts, level, source, message) VALUES ($id, $sequence, $ts, $level, $source, $message);"))
                {
                    insert.Parameters.AddWithValue("$id", sandboxId);
                    var sequence = insert.Parameters.Add("$sequence", SqliteType.Integer);
                    var timestamp = insert.Parameters.Add("$ts", SqliteType.Integer);
                    var level = insert.Parameters.Add("$level", SqliteType.Integer);
                    var source = insert.Parameters.Add("$source", SqliteType.Text);
                    var message = insert.Parameters.Add("$message", SqliteType.Text);
                    foreach (var line in lines)
                    {
                        sequence.Value = ++last;
                        timestamp.Value = line.Timestamp.ToUnixTimeMilliseconds();
                        level.Value = (int)line.Level;
                        source.Value = line.Source;
                        message.Value = line.Message;
                        await insert.ExecuteNonQueryAsync(cancellationToken);
                    }
                }

                await using (var bump = Command(connection, transaction, "UPDATE sandboxes SET log_sequence = $last WHERE id = $id;"))
                {
                    bump.Parameters.AddWithValue("$last", last);
                    bump.Parameters.AddWithValue("$id", sandboxId);
                    await bump.ExecuteNonQueryAsync(cancellationToken);
                }

                // Sequences are contiguous (assigned one by one, only the oldest are ever removed), so the newest N
                // lines are exactly those above last - N: a range delete on the primary key, no scan.
                await using (var trim = Command(connection, transaction, "DELETE FROM logs WHERE sandbox_id = $id AND sequence <= $cutoff;"))
                {
                    trim.Parameters.AddWithValue("$id", sandboxId);
                    trim.Parameters.AddWithValue("$cutoff", last - _logRetentionLines);
                    await trim.ExecuteNonQueryAsync(cancellationToken);
                }

                return last;
            },
            last =>
            {
                if (last is not null && lines.Count > 0)
                {
                    RaiseChanged(sandboxId, SandboxChangeKind.LogsAppended);
                }
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<StoredLogLine>> ReadLogsAsync(string sandboxId, string? incarnation, long afterSequence, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(
            connection,
            null,
            """
            SELECT sequence, ts, level, source, message FROM logs
            WHERE sandbox_id = $id AND sequence > $after AND ($since IS NULL OR ts >= $since)
              AND ($incarnation IS NULL OR EXISTS (SELECT 1 FROM sandboxes s WHERE s.id = $id AND s.incarnation = $incarnation))
            ORDER BY sequence
            LIMIT $limit;
            """);
        query.Parameters.AddWithValue("$id", sandboxId);
        query.Parameters.AddWithValue("$after", afterSequence);
        query.Parameters.AddWithValue("$since", since is null ? DBNull.Value : since.Value.ToUnixTimeMilliseconds());
        query.Parameters.AddWithValue("$limit", limit);
        AddIncarnation(query, incarnation);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await StoreRows.LogLinesAsync(reader, cancellationToken);
    }
}
