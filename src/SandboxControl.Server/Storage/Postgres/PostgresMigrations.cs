using Npgsql;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>
/// Ordered schema steps; step N brings the database to schema version N. Steps are append-only: never edit a
/// released step, add a new one. Applied under a session advisory lock, so replicas starting together take turns
/// and the later ones find the schema already current.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Arbitrary, fixed: the advisory lock every replica takes while it migrates.</summary>
    public const long AdvisoryLockKey = 0x5342_4354_4C01;

    // Same shape as the SQLite schema: times are unix milliseconds (UTC), states are PolicyState values.
    // Ids use the "C" collation so keyset paging orders them bytewise, like SQLite.
    private const string V1 = """
        CREATE TABLE sandboxes (
            id             text COLLATE "C" NOT NULL PRIMARY KEY,
            created_at     bigint NOT NULL,
            created_by     text   NOT NULL,
            policy_version bigint NOT NULL DEFAULT 0,
            log_sequence   bigint NOT NULL DEFAULT 0
        );

        CREATE TABLE policies (
            sandbox_id text COLLATE "C" NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
            version    bigint NOT NULL,
            document   text   NOT NULL,
            created_at bigint NOT NULL,
            created_by text   NOT NULL,
            PRIMARY KEY (sandbox_id, version)
        );

        CREATE TABLE policy_status (
            sandbox_id  text COLLATE "C" NOT NULL,
            version     bigint  NOT NULL,
            state       integer NOT NULL,
            message     text    NOT NULL,
            reported_at bigint  NOT NULL,
            PRIMARY KEY (sandbox_id, version),
            FOREIGN KEY (sandbox_id, version) REFERENCES policies (sandbox_id, version) ON DELETE CASCADE
        );

        CREATE TABLE provider_env (
            sandbox_id text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES sandboxes (id) ON DELETE CASCADE,
            blob       bytea  NOT NULL,
            updated_at bigint NOT NULL
        );

        CREATE TABLE logs (
            sandbox_id text COLLATE "C" NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
            sequence   bigint  NOT NULL,
            ts         bigint  NOT NULL,
            level      integer NOT NULL,
            source     text    NOT NULL,
            message    text    NOT NULL,
            PRIMARY KEY (sandbox_id, sequence)
        );
        """;

    // Incarnations (existing rows keep their creation time as incarnation, which is what their credentials' associated
    // data already names), the certificates the server signed, and deletion tombstones for external-CA mode
    // (deleted_at from the database's clock: one clock for all replicas).
    private const string V2 = """
        ALTER TABLE sandboxes ADD COLUMN incarnation text COLLATE "C" NOT NULL DEFAULT '';
        UPDATE sandboxes SET incarnation = created_at::text;

        CREATE TABLE sandbox_certificates (
            serial        text COLLATE "C" NOT NULL PRIMARY KEY,
            sandbox_id    text COLLATE "C" NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
            incarnation   text COLLATE "C" NOT NULL,
            parent_serial text COLLATE "C",
            not_before    bigint NOT NULL,
            not_after     bigint NOT NULL,
            issued_by     text   NOT NULL,
            issued_at     bigint NOT NULL,
            revoked_at    bigint
        );
        CREATE INDEX sandbox_certificates_sandbox ON sandbox_certificates (sandbox_id);
        CREATE INDEX sandbox_certificates_parent ON sandbox_certificates (parent_serial);

        CREATE TABLE sandbox_tombstones (
            id         text COLLATE "C" NOT NULL PRIMARY KEY,
            deleted_at bigint NOT NULL
        );
        """;

    // The shared audit index: every replica's audit events, copied from its file (the record), keyed by replica, file
    // and offset so a line shipped twice is stored once; and how far each replica's file was shipped.
    private const string V3 = """
        CREATE TABLE audit_events (
            replica     text COLLATE "C" NOT NULL,
            file_key    text COLLATE "C" NOT NULL,
            file_offset bigint  NOT NULL,
            time_ms     bigint  NOT NULL,
            caller      text COLLATE "C" NOT NULL,
            rpc         text COLLATE "C" NOT NULL,
            target      text COLLATE "C",
            allowed     boolean NOT NULL,
            event       text    NOT NULL,
            PRIMARY KEY (replica, file_key, file_offset)
        );
        CREATE INDEX audit_events_order ON audit_events (time_ms, replica, file_key, file_offset);
        CREATE INDEX audit_events_target ON audit_events (target, time_ms);

        CREATE TABLE audit_shipping (
            replica     text COLLATE "C" NOT NULL PRIMARY KEY,
            file_key    text COLLATE "C" NOT NULL,
            next_offset bigint NOT NULL
        );
        """;

    // When each event reached the index, by the database's clock: retention is decided by one clock, not by the
    // replicas' clocks that stamped the events. Rows already there count as stored now (kept a full retention).
    private const string V4 = """
        ALTER TABLE audit_events ADD COLUMN stored_at timestamptz NOT NULL DEFAULT now();
        CREATE INDEX audit_events_stored ON audit_events (stored_at);
        """;

    // The certificate pruner's hourly query finds expired rows by this index instead of scanning the table.
    private const string V5 = """
        CREATE INDEX sandbox_certificates_not_after ON sandbox_certificates (not_after);
        """;

    public static IReadOnlyList<string> Steps { get; } = [V1, V2, V3, V4, V5];

    public static int LatestVersion => Steps.Count;

    /// <summary>
    /// Brings the schema up to <see cref="LatestVersion"/>, each step in its own transaction together with its
    /// version row (DDL is transactional in PostgreSQL, so a crash leaves the previous version intact).
    /// </summary>
    public static async Task<int> ApplyAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);

        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key);", AdvisoryLockKey, cancellationToken);
        try
        {
            await ExecuteAsync(
                connection,
                "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
                null,
                cancellationToken);
            int from;
            await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version;", connection))
            {
                from = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
            }

            if (from > LatestVersion)
            {
                // Refuse to run an older server against a newer schema it does not understand.
                throw new InvalidOperationException(
                    $"The database schema version {from} is newer than this server supports ({LatestVersion}).");
            }

            for (var version = from + 1; version <= LatestVersion; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, Steps[version - 1], null, cancellationToken);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES (@version);", connection))
                {
                    record.Parameters.AddWithValue("version", version);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                Log.MigrationApplied(logger, version);
            }

            return LatestVersion;
        }
        finally
        {
            // Not the call's token: the lock must be released even when start-up is being cancelled.
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key);", AdvisoryLockKey, CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, long? key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (key is not null)
        {
            command.Parameters.AddWithValue("key", key.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
