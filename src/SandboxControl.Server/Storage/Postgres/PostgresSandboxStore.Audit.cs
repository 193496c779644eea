using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using SandboxControl.Server.Audit;
using SandboxControl.Server.Audit.Index;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>The shared audit index: the events of every replica, queryable in one place.</summary>
internal sealed partial class PostgresSandboxStore : IAuditIndex
{
    public async Task<AuditShippingMark?> GetShippingMarkAsync(string replica, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var query = Command(connection, "SELECT file_key, next_offset FROM audit_shipping WHERE replica = @replica;");
        query.Parameters.AddWithValue("replica", replica);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new AuditShippingMark(reader.GetString(0), reader.GetInt64(1)) : null;
    }

    public async Task StoreAsync(string replica, IReadOnlyList<ShippedAuditLine> lines, AuditShippingMark mark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(mark);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (lines.Count > 0)
        {
            // One round trip for the batch; a line shipped again (catch-up overlapping the feed) is stored once.
            await using var insert = Command(
                connection,
                """
                INSERT INTO audit_events (replica, file_key, file_offset, time_ms, caller, rpc, target, allowed, event)
                SELECT @replica, l.file_key, l.file_offset, l.time_ms, l.caller, l.rpc, l.target, l.allowed, l.event
                FROM unnest(@keys, @offsets, @times, @callers, @rpcs, @targets, @allowed, @events)
                    AS l (file_key, file_offset, time_ms, caller, rpc, target, allowed, event)
                ON CONFLICT DO NOTHING;
                """);
            insert.Parameters.AddWithValue("replica", replica);
            insert.Parameters.AddWithValue("keys", lines.Select(line => line.FileKey).ToArray());
            insert.Parameters.AddWithValue("offsets", lines.Select(line => line.Offset).ToArray());
            insert.Parameters.AddWithValue("times", lines.Select(line => line.Event.Time.ToUnixTimeMilliseconds()).ToArray());
            insert.Parameters.AddWithValue("callers", lines.Select(line => line.Event.Caller ?? string.Empty).ToArray());
            insert.Parameters.AddWithValue("rpcs", lines.Select(line => line.Event.Rpc ?? string.Empty).ToArray());
            insert.Parameters.Add(new NpgsqlParameter("targets", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = lines.Select(line => (object?)line.Event.Target ?? DBNull.Value).ToArray() });
            insert.Parameters.AddWithValue("allowed", lines.Select(line => line.Event.Allowed).ToArray());
            insert.Parameters.AddWithValue("events", lines.Select(line => line.Json).ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var move = Command(
            connection,
            """
            INSERT INTO audit_shipping (replica, file_key, next_offset) VALUES (@replica, @key, @offset)
            ON CONFLICT (replica) DO UPDATE SET file_key = excluded.file_key, next_offset = excluded.next_offset;
            """))
        {
            move.Parameters.AddWithValue("replica", replica);
            move.Parameters.AddWithValue("key", mark.FileKey);
            move.Parameters.AddWithValue("offset", mark.Offset);
            await move.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> DeleteStoredBeforeAsync(TimeSpan age, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        // Bounded per statement, so pruning a large backlog never holds a long lock or one huge transaction.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var delete = Command(
            connection,
            """
            DELETE FROM audit_events WHERE ctid IN (
                SELECT ctid FROM audit_events WHERE stored_at < now() - @age ORDER BY stored_at LIMIT @limit);
            """);
        delete.Parameters.AddWithValue("age", age);
        delete.Parameters.AddWithValue("limit", limit);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<AuditIndexPage> QueryAsync(AuditQuery query, AuditIndexCursor? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Command(
            connection,
            """
            SELECT event, time_ms, replica, file_key, file_offset FROM audit_events
            WHERE (@target::text IS NULL OR target = @target)
              AND (@caller::text IS NULL OR caller = @caller)
              AND (@rpc::text IS NULL OR rpc = @rpc)
              AND (@allowed::boolean IS NULL OR allowed = @allowed)
              AND (@since::bigint IS NULL OR time_ms >= @since)
              AND (@until::bigint IS NULL OR time_ms < @until)
              AND (@afterTime::bigint IS NULL OR (time_ms, replica, file_key, file_offset) > (@afterTime, @afterReplica, @afterKey, @afterOffset))
            ORDER BY time_ms, replica, file_key, file_offset
            LIMIT @limit;
            """);
        select.Parameters.AddWithValue("target", NpgsqlDbType.Text, NullIfEmpty(query.Target));
        select.Parameters.AddWithValue("caller", NpgsqlDbType.Text, NullIfEmpty(query.Caller));
        select.Parameters.AddWithValue("rpc", NpgsqlDbType.Text, NullIfEmpty(query.Rpc));
        select.Parameters.AddWithValue("allowed", NpgsqlDbType.Boolean, (object?)query.Allowed ?? DBNull.Value);
        select.Parameters.AddWithValue("since", NpgsqlDbType.Bigint, (object?)query.Since?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        select.Parameters.AddWithValue("until", NpgsqlDbType.Bigint, (object?)query.Until?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        select.Parameters.AddWithValue("afterTime", NpgsqlDbType.Bigint, (object?)after?.TimeMs ?? DBNull.Value);
        select.Parameters.AddWithValue("afterReplica", NpgsqlDbType.Text, (object?)after?.Replica ?? DBNull.Value);
        select.Parameters.AddWithValue("afterKey", NpgsqlDbType.Text, (object?)after?.FileKey ?? DBNull.Value);
        select.Parameters.AddWithValue("afterOffset", NpgsqlDbType.Bigint, (object?)after?.Offset ?? DBNull.Value);
        select.Parameters.AddWithValue("limit", query.Limit + 1);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var events = new List<AuditEvent>();
        AuditIndexCursor? last = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (events.Count == query.Limit)
            {
                return new AuditIndexPage(events, last);
            }

            events.Add(JsonSerializer.Deserialize(reader.GetString(0), AuditJsonContext.Default.AuditEvent)!);
            last = new AuditIndexCursor(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4));
        }

        return new AuditIndexPage(events, null);
    }

    private static object NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? DBNull.Value : value;
}
