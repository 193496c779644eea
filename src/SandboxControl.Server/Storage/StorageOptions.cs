namespace SandboxControl.Server.Storage;

/// <summary>Where and how the control plane keeps its state (configuration section "Storage").</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public const string SqliteProvider = "sqlite";

    public const string PostgresProvider = "postgres";

    /// <summary>
    /// The storage engine: "sqlite" (embedded, one server) or "postgres" (shared by several replicas). Default "sqlite".
    /// </summary>
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>
    /// Path of the SQLite database file; a relative path is resolved against the working directory.
    /// Missing parent directories are created (mode 0700). Default "data/sandboxcontrol.db".
    /// </summary>
    public string SqlitePath { get; set; } = "data/sandboxcontrol.db";

    /// <summary>
    /// How many log lines are kept per sandbox; older lines are dropped as new ones arrive. Default 10000.
    /// </summary>
    public int LogRetentionLines { get; set; } = 10_000;

    /// <summary>
    /// Most log lines committed in one transaction (group commit: pushed messages of all sandboxes share it). Bounds
    /// how long another write (a policy update, a status report) waits behind a log batch (a few milliseconds at the
    /// default). Default 3000.
    /// </summary>
    public int LogBatchMaxLines { get; set; } = 3000;

    /// <summary>
    /// Most pushed log messages one sandbox may have waiting for their commit; more answer ResourceExhausted, so a
    /// flooding sandbox cannot make the server hold its lines in memory. Default 64.
    /// </summary>
    public int LogQueueMaxMessagesPerSandbox { get; set; } = 64;

    /// <summary>
    /// Most messages of one PushSandboxLogs stream waiting for their commit at once. Above one, the server reads a
    /// stream's next message while the previous commits, so commits gather more lines; the response (and any error's
    /// stored count) still waits for every earlier commit. At most LogQueueMaxMessagesPerSandbox. Default 10.
    /// </summary>
    public int LogMessagesInFlightPerStream { get; set; } = 10;

    /// <summary>Npgsql connection string of the shared database; required when Provider is "postgres".</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// PostgreSQL only: how long the in-memory sandbox directory may go without confirmation from the notification
    /// connection before identity checks fail closed (every sandbox looks absent) until it reconnects. Default 2 s.
    /// </summary>
    public TimeSpan PostgresMaxStaleness { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Memory for current policies served without a store read (see <see cref="CurrentPolicyCache"/>); 0 turns the
    /// cache off. Default 64 MiB.
    /// </summary>
    public long PolicyCacheBytes { get; set; } = 64L * 1024 * 1024;

    public bool IsPostgres => string.Equals(Provider, PostgresProvider, StringComparison.OrdinalIgnoreCase);
}
