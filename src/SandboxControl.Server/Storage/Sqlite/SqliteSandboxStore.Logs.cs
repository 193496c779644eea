using System.Buffers;
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
                    "INSERT INTO log_chunks (sandbox_id, last_sequence, first_sequence, max_ts, lines) VALUES ($id, $last, $first, $maxTs, $lines);");
                var insertId = insert.Parameters.Add("$id", SqliteType.Text);
                var lastSequence = insert.Parameters.Add("$last", SqliteType.Integer);
                var firstSequence = insert.Parameters.Add("$first", SqliteType.Integer);
                var maxTimestamp = insert.Parameters.Add("$maxTs", SqliteType.Integer);
                var chunk = insert.Parameters.Add("$lines", SqliteType.Blob);
                var buffer = new ArrayBufferWriter<byte>();

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

                    if (last is { } previous && append.Lines.Count > 0)
                    {
                        var (bytes, newest) = LogChunk.Encode(append.Lines, buffer);
                        last = previous + append.Lines.Count;
                        insertId.Value = append.SandboxId;
                        firstSequence.Value = previous + 1;
                        lastSequence.Value = last;
                        maxTimestamp.Value = newest;
                        chunk.Value = bytes;
                        await insert.ExecuteNonQueryAsync(cancellationToken);
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

        // Sequences are contiguous (assigned one by one, only the oldest are ever removed), so the newest N lines
        // are exactly those above last - N. Chunks wholly below go (a range delete on the primary key, no scan); the
        // one that straddles the cutoff stays whole and reads skip its older lines.
        await using var trim = Command(connection, transaction, "DELETE FROM log_chunks WHERE sandbox_id = $id AND last_sequence <= $cutoff;");
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
            SELECT c.first_sequence, c.lines, s.log_sequence FROM log_chunks c JOIN sandboxes s ON s.id = c.sandbox_id
            WHERE c.sandbox_id = $id AND c.last_sequence > $after AND ($since IS NULL OR c.max_ts >= $since)
              AND ($incarnation IS NULL OR s.incarnation = $incarnation)
            ORDER BY c.last_sequence;
            """);
        query.Parameters.AddWithValue("$id", sandboxId);
        query.Parameters.AddWithValue("$after", afterSequence);
        long? sinceMs = since?.ToUnixTimeMilliseconds();
        query.Parameters.AddWithValue("$since", (object?)sinceMs ?? DBNull.Value);
        AddIncarnation(query, incarnation);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var lines = new List<StoredLogLine>();
        while (lines.Count < limit && await reader.ReadAsync(cancellationToken))
        {
            // Lines of a chunk that straddles the retention cutoff are still in the row: skip them.
            var after = Math.Max(afterSequence, reader.GetInt64(2) - _logRetentionLines);
            LogChunk.Decode(reader.GetFieldValue<byte[]>(1), reader.GetInt64(0), after, sinceMs, limit, lines);
        }

        return lines;
    }
}
