using NpgsqlTypes;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>Sandbox logs: per-sandbox sequences from sandboxes.log_sequence, trimmed to the retention cap.</summary>
internal sealed partial class PostgresSandboxStore
{
    public async Task<long?> AppendLogsAsync(string sandboxId, string? incarnation, IReadOnlyList<LogLineRecord> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(lines);

        return await WriteAsync(
            async connection =>
            {
                var locked = await LockSandboxAsync(connection, sandboxId, incarnation, cancellationToken);
                if (locked is null)
                {
                    return (long?)null;
                }

                var last = locked.Value.LogSequence;
                if (lines.Count == 0)
                {
                    return last;
                }

                var sequences = new long[lines.Count];
                var timestamps = new long[lines.Count];
                var levels = new int[lines.Count];
                var sources = new string[lines.Count];
                var messages = new string[lines.Count];
                for (var i = 0; i < lines.Count; i++)
                {
                    sequences[i] = ++last;
                    timestamps[i] = lines[i].Timestamp.ToUnixTimeMilliseconds();
                    levels[i] = (int)lines[i].Level;
                    sources[i] = lines[i].Source;
                    messages[i] = lines[i].Message;
                }

                // One round trip for the whole batch.
                await using (var insert = Command(
                    connection,
                    """
                    INSERT INTO logs (sandbox_id, sequence, ts, level, source, message)
                    SELECT @id, l.sequence, l.ts, l.level, l.source, l.message
                    FROM unnest(@sequences, @timestamps, @levels, @sources, @messages) AS l (sequence, ts, level, source, message);
                    """))
                {
                    insert.Parameters.AddWithValue("id", sandboxId);
                    insert.Parameters.AddWithValue("sequences", sequences);
                    insert.Parameters.AddWithValue("timestamps", timestamps);
                    insert.Parameters.AddWithValue("levels", levels);
                    insert.Parameters.AddWithValue("sources", sources);
                    insert.Parameters.AddWithValue("messages", messages);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var bump = Command(connection, "UPDATE sandboxes SET log_sequence = @last WHERE id = @id;"))
                {
                    bump.Parameters.AddWithValue("last", last);
                    bump.Parameters.AddWithValue("id", sandboxId);
                    await bump.ExecuteNonQueryAsync(cancellationToken);
                }

                // Sequences are contiguous (assigned one by one, only the oldest are ever removed), so the newest N
                // lines are exactly those above last - N: a range delete on the primary key.
                await using (var trim = Command(connection, "DELETE FROM logs WHERE sandbox_id = @id AND sequence <= @cutoff;"))
                {
                    trim.Parameters.AddWithValue("id", sandboxId);
                    trim.Parameters.AddWithValue("cutoff", last - _logRetentionLines);
                    await trim.ExecuteNonQueryAsync(cancellationToken);
                }

                await NotifyAsync(connection, ChangeNotification.LogsAppended(sandboxId), cancellationToken);
                return last;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<StoredLogLine>> ReadLogsAsync(string sandboxId, string? incarnation, long afterSequence, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var query = Command(
            connection,
            """
            SELECT sequence, ts, level, source, message FROM logs
            WHERE sandbox_id = @id AND sequence > @after AND (@since::bigint IS NULL OR ts >= @since)
              AND (@incarnation IS NULL OR EXISTS (SELECT 1 FROM sandboxes s WHERE s.id = @id AND s.incarnation = @incarnation))
            ORDER BY sequence
            LIMIT @limit;
            """);
        query.Parameters.AddWithValue("id", sandboxId);
        query.Parameters.AddWithValue("after", afterSequence);
        query.Parameters.AddWithValue("since", NpgsqlDbType.Bigint, since is null ? DBNull.Value : since.Value.ToUnixTimeMilliseconds());
        query.Parameters.AddWithValue("limit", limit);
        AddIncarnation(query, incarnation);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await StoreRows.LogLinesAsync(reader, cancellationToken);
    }
}
