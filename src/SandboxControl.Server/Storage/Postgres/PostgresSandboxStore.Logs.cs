using Npgsql;
using NpgsqlTypes;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>Sandbox logs: per-sandbox sequences from sandboxes.log_sequence, trimmed to the retention cap.</summary>
internal sealed partial class PostgresSandboxStore
{
    public async Task<long?> AppendLogsAsync(string sandboxId, string? incarnation, IReadOnlyList<LogLineRecord> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(lines);

        return (await AppendLogBatchAsync([new LogAppend(sandboxId, lines, incarnation)], cancellationToken))[0];
    }

    public async Task<IReadOnlyList<long?>> AppendLogBatchAsync(IReadOnlyList<LogAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);

        return await WriteAsync(
            async connection =>
            {
                // Rows locked in id order: two replicas' batches over the same sandboxes cannot deadlock.
                var lastBySandbox = new SortedDictionary<string, long?>(StringComparer.Ordinal);
                var incarnations = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var append in appends)
                {
                    lastBySandbox.TryAdd(append.SandboxId, null);
                }

                foreach (var sandboxId in lastBySandbox.Keys.ToList())
                {
                    var locked = await LockSandboxAsync(connection, sandboxId, null, cancellationToken);
                    lastBySandbox[sandboxId] = locked?.LogSequence;
                    incarnations[sandboxId] = locked?.Incarnation;
                }

                var lineCount = appends.Sum(append => append.Lines.Count);
                var ids = new List<string>(lineCount);
                var sequences = new List<long>(lineCount);
                var timestamps = new List<long>(lineCount);
                var levels = new List<int>(lineCount);
                var sources = new List<string>(lineCount);
                var messages = new List<string>(lineCount);
                var results = new long?[appends.Count];
                var touched = new SortedSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < appends.Count; i++)
                {
                    var append = appends[i];
                    if (lastBySandbox[append.SandboxId] is not { } last)
                    {
                        continue;
                    }

                    // Lines pushed for an incarnation that has since ended are not written into its successor's log.
                    if (append.Incarnation is not null && !string.Equals(append.Incarnation, incarnations[append.SandboxId], StringComparison.Ordinal))
                    {
                        continue;
                    }

                    foreach (var line in append.Lines)
                    {
                        ids.Add(append.SandboxId);
                        sequences.Add(++last);
                        timestamps.Add(line.Timestamp.ToUnixTimeMilliseconds());
                        levels.Add((int)line.Level);
                        sources.Add(line.Source);
                        messages.Add(line.Message);
                    }

                    if (append.Lines.Count > 0)
                    {
                        touched.Add(append.SandboxId);
                    }

                    lastBySandbox[append.SandboxId] = last;
                    results[i] = last;
                }

                if (ids.Count > 0)
                {
                    // One round trip for every line of the batch.
                    await using var insert = Command(
                        connection,
                        """
                        INSERT INTO logs (sandbox_id, sequence, ts, level, source, message)
                        SELECT l.sandbox_id, l.sequence, l.ts, l.level, l.source, l.message
                        FROM unnest(@ids, @sequences, @timestamps, @levels, @sources, @messages) AS l (sandbox_id, sequence, ts, level, source, message);
                        """);
                    insert.Parameters.AddWithValue("ids", ids.ToArray());
                    insert.Parameters.AddWithValue("sequences", sequences.ToArray());
                    insert.Parameters.AddWithValue("timestamps", timestamps.ToArray());
                    insert.Parameters.AddWithValue("levels", levels.ToArray());
                    insert.Parameters.AddWithValue("sources", sources.ToArray());
                    insert.Parameters.AddWithValue("messages", messages.ToArray());
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }

                foreach (var sandboxId in touched)
                {
                    await FinishAppendAsync(connection, sandboxId, lastBySandbox[sandboxId]!.Value, cancellationToken);
                }

                return (IReadOnlyList<long?>)results;
            },
            cancellationToken);
    }

    private async Task FinishAppendAsync(NpgsqlConnection connection, string sandboxId, long last, CancellationToken cancellationToken)
    {
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
