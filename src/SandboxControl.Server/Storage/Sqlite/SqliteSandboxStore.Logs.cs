using Microsoft.Data.Sqlite;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>Sandbox logs: per-sandbox sequences from sandboxes.log_sequence, trimmed to the retention cap.</summary>
internal sealed partial class SqliteSandboxStore
{
    public async Task<long?> AppendLogsAsync(string sandboxId, IReadOnlyList<LogLineRecord> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(lines);

        return (await AppendLogBatchAsync([new LogAppend(sandboxId, lines)], cancellationToken))[0];
    }

    public async Task<IReadOnlyList<long?>> AppendLogBatchAsync(IReadOnlyList<LogAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);

        return await WriteAsync(
            async (connection, transaction) =>
            {
                await using var read = Command(connection, transaction, "SELECT log_sequence FROM sandboxes WHERE id = $id;");
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
                for (var i = 0; i < appends.Count; i++)
                {
                    var append = appends[i];
                    if (!lastBySandbox.TryGetValue(append.SandboxId, out var last))
                    {
                        readId.Value = append.SandboxId;
                        last = await read.ExecuteScalarAsync(cancellationToken) is long current ? current : null;
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

    public async Task<IReadOnlyList<StoredLogLine>> ReadLogsAsync(string sandboxId, long afterSequence, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
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
            ORDER BY sequence
            LIMIT $limit;
            """);
        query.Parameters.AddWithValue("$id", sandboxId);
        query.Parameters.AddWithValue("$after", afterSequence);
        query.Parameters.AddWithValue("$since", since is null ? DBNull.Value : since.Value.ToUnixTimeMilliseconds());
        query.Parameters.AddWithValue("$limit", limit);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await StoreRows.LogLinesAsync(reader, cancellationToken);
    }
}
