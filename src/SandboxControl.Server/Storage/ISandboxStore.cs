namespace SandboxControl.Server.Storage;

/// <summary>
/// The control plane's state. One interface, one engine per database; handlers never see SQL.
/// Every method takes the call's CancellationToken. Ids are validated by the caller before they get here.
/// </summary>
internal interface ISandboxStore
{
    /// <summary>
    /// Raised after a sandbox is created or deleted or lines are appended to its log, by this process or (for a
    /// shared database) another replica, so log followers everywhere wake. Handlers must be quick and must not throw.
    /// </summary>
    event EventHandler<SandboxChangedEventArgs>? SandboxChanged;

    /// <summary>Applies migrations and loads the in-memory sandbox directory. Called once at start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Creates a sandbox, optionally with policy version 1. Returns null if the id already exists.</summary>
    Task<SandboxRecord?> CreateSandboxAsync(string sandboxId, string? initialPolicy, string createdBy, CancellationToken cancellationToken);

    Task<SandboxRecord?> GetSandboxAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Sandboxes ordered by id, starting after <paramref name="afterSandboxId"/> (exclusive).</summary>
    Task<IReadOnlyList<SandboxRecord>> ListSandboxesAsync(string? afterSandboxId, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes the sandbox and everything it owns (policies, status, credentials, logs). False if absent.</summary>
    Task<bool> DeleteSandboxAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>
    /// When the sandbox was created, from memory (no I/O): identity checks call this on every request.
    /// Null if the sandbox does not exist.
    /// </summary>
    DateTimeOffset? GetSandboxCreatedAt(string sandboxId);

    /// <summary>The newest policy version, or null if the sandbox has none (or does not exist).</summary>
    Task<PolicyRecord?> GetCurrentPolicyAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes version expectedVersion + 1 if the current version equals <paramref name="expectedVersion"/>
    /// (0 = no policy yet), atomically. Versions never skip and never repeat.
    /// </summary>
    Task<PolicyUpdateResult> UpdatePolicyAsync(string sandboxId, long expectedVersion, string document, string createdBy, CancellationToken cancellationToken);

    /// <summary>All versions, newest first, each with its effective status.</summary>
    Task<IReadOnlyList<PolicyHistoryRecord>> ListPoliciesAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Records a LOADED/FAILED report for the sandbox's current version.</summary>
    Task<StatusReportResult> ReportPolicyStatusAsync(string sandboxId, long version, PolicyState state, string message, CancellationToken cancellationToken);

    /// <summary>Status of the newest version plus the last LOADED version; null if the sandbox does not exist.</summary>
    Task<PolicyStatusRecord?> GetPolicyStatusAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Replaces the provider environment; values are encrypted before they reach the database. False if no such sandbox.</summary>
    Task<bool> SetProviderEnvironmentAsync(string sandboxId, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken);

    /// <summary>The decrypted provider environment; empty if none was set, null if no such sandbox.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetProviderEnvironmentAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends lines, assigning increasing sequence numbers, then trims the sandbox's log to the retention cap
    /// (oldest lines go first). Returns the last assigned sequence, or null if no such sandbox.
    /// </summary>
    Task<long?> AppendLogsAsync(string sandboxId, IReadOnlyList<LogLineRecord> lines, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="AppendLogsAsync"/> for several messages (of any sandboxes) in one transaction and one durable commit.
    /// Returns, per append in order, the last assigned sequence or null if no such sandbox.
    /// </summary>
    Task<IReadOnlyList<long?>> AppendLogBatchAsync(IReadOnlyList<LogAppend> appends, CancellationToken cancellationToken);

    /// <summary>Lines with sequence &gt; afterSequence and timestamp &gt;= since, oldest first, at most limit.</summary>
    Task<IReadOnlyList<StoredLogLine>> ReadLogsAsync(string sandboxId, long afterSequence, DateTimeOffset? since, int limit, CancellationToken cancellationToken);
}
