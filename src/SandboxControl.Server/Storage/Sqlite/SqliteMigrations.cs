using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SandboxControl.Server.Storage.Sqlite;

/// <summary>
/// Ordered schema steps; step N brings the database to PRAGMA user_version N. Steps are append-only:
/// never edit a released step, add a new one.
/// </summary>
internal static class SqliteMigrations
{
    // Times are unix milliseconds (UTC). States are PolicyState values. STRICT tables refuse mistyped values.
    private const string V1 = """
        CREATE TABLE sandboxes (
            id             TEXT    NOT NULL PRIMARY KEY,
            created_at     INTEGER NOT NULL,
            created_by     TEXT    NOT NULL,
            policy_version INTEGER NOT NULL DEFAULT 0,
            log_sequence   INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        CREATE TABLE policies (
            sandbox_id TEXT    NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
            version    INTEGER NOT NULL,
            document   TEXT    NOT NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT    NOT NULL,
            PRIMARY KEY (sandbox_id, version)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE policy_status (
            sandbox_id  TEXT    NOT NULL,
            version     INTEGER NOT NULL,
            state       INTEGER NOT NULL,
            message     TEXT    NOT NULL,
            reported_at INTEGER NOT NULL,
            PRIMARY KEY (sandbox_id, version),
            FOREIGN KEY (sandbox_id, version) REFERENCES policies (sandbox_id, version) ON DELETE CASCADE
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE provider_env (
            sandbox_id TEXT    NOT NULL PRIMARY KEY REFERENCES sandboxes (id) ON DELETE CASCADE,
            blob       BLOB    NOT NULL,
            updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE logs (
            sandbox_id TEXT    NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
            sequence   INTEGER NOT NULL,
            ts         INTEGER NOT NULL,
            level      INTEGER NOT NULL,
            source     TEXT    NOT NULL,
            message    TEXT    NOT NULL,
            PRIMARY KEY (sandbox_id, sequence)
        ) STRICT, WITHOUT ROWID;
        """;

    // Incarnations (existing rows keep their creation time as incarnation, which is what their credentials' associated
    // data already names), the certificates the server signed, and deletion tombstones for external-CA mode.
    private const string V2 = """
        ALTER TABLE sandboxes ADD COLUMN incarnation TEXT NOT NULL DEFAULT '';
        UPDATE sandboxes SET incarnation = CAST(created_at AS TEXT);

        CREATE TABLE sandbox_certificates (
            serial        TEXT    NOT NULL PRIMARY KEY,
            sandbox_id    TEXT    NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
            incarnation   TEXT    NOT NULL,
            parent_serial TEXT,
            not_before    INTEGER NOT NULL,
            not_after     INTEGER NOT NULL,
            issued_by     TEXT    NOT NULL,
            issued_at     INTEGER NOT NULL,
            revoked_at    INTEGER
        ) STRICT;
        CREATE INDEX sandbox_certificates_sandbox ON sandbox_certificates (sandbox_id);
        CREATE INDEX sandbox_certificates_parent ON sandbox_certificates (parent_serial);

        CREATE TABLE sandbox_tombstones (
            id         TEXT    NOT NULL PRIMARY KEY,
            deleted_at INTEGER NOT NULL
        ) STRICT;
        """;

    // Logs stored as one row per pushed message (see LogChunk); existing lines become one-line chunks. A rowid
    // table (not WITHOUT ROWID): its rows are kilobytes, and a separate small index is cheaper to insert into than
    // a clustered key whose leaf pages hold the whole chunk (0.72 against 1.0 us CPU per line, measured isolated).
    private const string V3 = """
        CREATE TABLE log_chunks (
            sandbox_id     TEXT    NOT NULL REFERENCES sandboxes (id) ON DELETE CASCADE,
            last_sequence  INTEGER NOT NULL,
            first_sequence INTEGER NOT NULL,
            max_ts         INTEGER NOT NULL,
            lines          BLOB    NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX log_chunks_sequence ON log_chunks (sandbox_id, last_sequence);
        INSERT INTO log_chunks (sandbox_id, last_sequence, first_sequence, max_ts, lines)
        SELECT sandbox_id, sequence, sequence, ts, CAST(json_array(json_array(ts, level, source, message)) AS BLOB) FROM logs;
        DROP TABLE logs;
        """;

    // The certificate pruner's hourly query finds expired rows by this index instead of scanning the table.
    private const string V4 = """
        CREATE INDEX sandbox_certificates_not_after ON sandbox_certificates (not_after);
        """;

    public static IReadOnlyList<string> Steps { get; } = [V1, V2, V3, V4];

    public static int LatestVersion => Steps.Count;

    /// <summary>
    /// Brings the schema up to <see cref="LatestVersion"/> in one IMMEDIATE transaction (DDL and user_version are
    /// transactional in SQLite, so a crash leaves the old version intact). Returns the version found and the version now.
    /// </summary>
    public static async Task<(int From, int To)> ApplyAsync(SqliteConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);

        await using var transaction = connection.BeginTransaction(deferred: false);
        int from;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "PRAGMA user_version;";
            from = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        if (from > LatestVersion)
        {
            // Refuse to run an older server against a newer schema it does not understand.
            throw new InvalidOperationException(
                $"The database schema version {from} is newer than this server supports ({LatestVersion}).");
        }

        for (var version = from + 1; version <= LatestVersion; version++)
        {
            await using var step = connection.CreateCommand();
            step.Transaction = transaction;
            step.CommandText = Steps[version - 1] + string.Create(CultureInfo.InvariantCulture, $"\nPRAGMA user_version = {version};");
            await step.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        for (var version = from + 1; version <= LatestVersion; version++)
        {
            Log.MigrationApplied(logger, version);
        }

        return (from, LatestVersion);
    }
}
