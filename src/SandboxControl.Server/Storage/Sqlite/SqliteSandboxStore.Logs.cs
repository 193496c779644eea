using Microsoft.Data.Sqlite;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>Sandbox logs: per-sandbox sequences from sandboxes.log_sequence, trimmed to the retention cap.</summary>
internal sealed partial class SqliteSandboxStore
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
            async (connection, transaction) =>
            {
                await using var read = Command(connection, transaction, "SELECT log_sequence, incarnation FROM sandboxes WHERE id = $id;");
                var readId = read.Parameters.Add("$id", SqliteType.Text);
                await using var insert = Command(
                    connection,
                    transaction,
                    "INSERT INTO logs (sandbox_id, sequence, ts, level, source, message) VALUES ($id, $sequence, $ts, $level, $source, $message);");
                var insertId = insert.Parameters.Add("$id", SqliteType.Text);
                var sequence = insert.Parameters.Add("$sequence", SqliteType.Integer);
                var timestamp = insert.Parameters.Add("$ts", SqliteType.Integer);
                var level = insert.Parameters.Add("$level", SqliteType.Integer);
                var source = insert.Parameters.Add("$source", SqliteType.Text);
                var message = insert.Parameters.Add("$message", SqliteType.Text);

                var results = new long?[appends.Count];
                // Within the transaction each sandbox's sequence continues from its previous append in this batch.
                var lastBySandbox = new Dictionary<string, long?>(StringComparer.Ordinal);
                var incarnations = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < appends.Count; i++)
                {
                    var append = appends[i];
                    if (!lastBySandbox.TryGetValue(append.SandboxId, out var last))
                    {
                        readId.Value = append.SandboxId;
                        await using (var row = await read.ExecuteReaderAsync(cancellationToken))
                        {
                            var found = await row.ReadAsync(cancellationToken);
                            last = found ? row.GetInt64(0) : null;
                            incarnations[append.SandboxId] = found ? row.GetString(1) : null;
                        }

                        lastBySandbox[append.SandboxId] = last;
                    }

                    // Lines pushed for an incarnation that has since ended are not written into its successor's log.
                    if (append.Incarnation is not null && !string.Equals(append.Incarnation, incarnations[append.SandboxId], StringComparison.Ordinal))
                    {
                        results[i] = null;
                        continue;
                    }

                    if (last is { } next)
                    {
                        insertId.Value = append.SandboxId;
                        foreach (var line in append.Lines)
                        {
                            sequence.Value = ++next;
                            timestamp.Value = line.Timestamp.ToUnixTimeMilliseconds();
                            level.Value = (int)line.Level;
                            source.Value = line.Source;
                            message.Value = line.Message;
                            await insert.ExecuteNonQueryAsync(cancellationToken);
                        }

                        last = next;
                    }

                    lastBySandbox[append.SandboxId] = last;
                    results[i] = last;
                }

                foreach (var (sandboxId, last) in lastBySandbox)
                {
                    if (last is { } final)
                    {
                        await FinishAppendAsync(connection, transaction, sandboxId, final, cancellationToken);
                    }
                }

                return (IReadOnlyList<long?>)results;
            },
            results =>
            {
                for (var i = 0; i < appends.Count; i++)
                {
                    if (results[i] is not null && appends[i].Lines.Count > 0)
                    {
                        RaiseChanged(appends[i].SandboxId, SandboxChangeKind.LogsAppended);
                    }
                }
            },
            cancellationToken);
    }

    private async Task FinishAppendAsync(SqliteConnection connection, SqliteTransaction transaction, string sandboxId, long last, CancellationToken cancellationToken)
    {
        await using (var bump = Command(connection, transaction, "UPDATE sandboxes SET log_sequence = $last WHERE id = $id;"))
        {
            bump.Parameters.AddWithValue("$last", last);
            bump.Parameters.AddWithValue("$id", sandboxId);
            await bump.ExecuteNonQueryAsync(cancellationToken);
        }

        // Sequences are contiguous (assigned one by one, only the oldest are ever removed), so the newest N
        // lines are exactly those above last - N: a range delete on the primary key, no scan.
        await using var trim = Command(connection, transaction, "DELETE FROM logs WHERE sandbox_id = $id AND sequence <= $cutoff;");
        trim.Parameters.AddWithValue("$id", sandboxId);
        trim.Parameters.AddWithValue("$cutoff", last - _logRetentionLines);
        await trim.ExecuteNonQueryAsync(cancellationToken);
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
