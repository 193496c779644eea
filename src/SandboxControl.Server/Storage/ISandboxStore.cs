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
    Task<SandboxRecord?> CreateSandboxAsync(string sandboxId, string? initialPolicy, string createdBy, CancellationToken cancellationToken) =>
        CreateSandboxAsync(sandboxId, initialPolicy, createdBy, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// As the overload without <paramref name="reuseDelay"/>; with a positive one, throws
    /// <see cref="SandboxIdReusedTooSoonException"/> (and creates nothing) if the id was deleted less than that long ago,
    /// measured on the store's clock (the database's, for PostgreSQL: one clock for every replica).
    /// </summary>
    Task<SandboxRecord?> CreateSandboxAsync(string sandboxId, string? initialPolicy, string createdBy, TimeSpan reuseDelay, CancellationToken cancellationToken);

    Task<SandboxRecord?> GetSandboxAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Sandboxes ordered by id, starting after <paramref name="afterSandboxId"/> (exclusive).</summary>
    Task<IReadOnlyList<SandboxRecord>> ListSandboxesAsync(string? afterSandboxId, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes the sandbox and everything it owns (policies, status, credentials, logs). False if absent.</summary>
    Task<bool> DeleteSandboxAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>
    /// When the sandbox was created, from memory (no I/O): identity checks call this on every request.
    /// Null if the sandbox does not exist.
    /// </summary>
    DateTimeOffset? GetSandboxCreatedAt(string sandboxId) => GetSandboxEntry(sandboxId)?.CreatedAt;

    /// <summary>
    /// The sandbox's current incarnation, from memory (no I/O): identity checks call this on every request and every
    /// stream message. Null if the sandbox does not exist, or (PostgreSQL) the directory can no longer vouch for it.
    /// </summary>
    SandboxDirectoryEntry? GetSandboxEntry(string sandboxId);

    /// <summary>The allow-list entry for a certificate this server (or a replica) signed, from memory; null if never recorded.</summary>
    AllowedCertificate? FindCertificate(string serialNumber);

    /// <summary>
    /// As the overload with a limit, without one: for certificates the server seeds itself (dev mode), never for a
    /// caller's request.
    /// </summary>
    Task<CertificateRecordOutcome> RecordCertificateAsync(CertificateRecord certificate, CancellationToken cancellationToken) =>
        RecordCertificateAsync(certificate, int.MaxValue, cancellationToken);

    /// <summary>
    /// Records a signed certificate for <see cref="CertificateRecord.Incarnation"/>, atomically with the checks that the
    /// sandbox is still that incarnation, (for a renewal) that the parent is recorded for it and not revoked, and that
    /// the sandbox holds fewer than <paramref name="maxLive"/> unrevoked certificates unexpired on the store's clock.
    /// </summary>
    Task<CertificateRecordOutcome> RecordCertificateAsync(CertificateRecord certificate, int maxLive, CancellationToken cancellationToken);

    /// <summary>The certificates recorded for the sandbox's current incarnation, oldest first; null if no such sandbox.</summary>
    Task<IReadOnlyList<CertificateRecord>?> ListCertificatesAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Revokes the serial and all certificates renewed from it, transitively. Null if the serial was never recorded.</summary>
    Task<CertificateRevocation?> RevokeCertificateLineageAsync(string serialNumber, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> certificates whose not_after is more than <paramref name="retention"/> ago on
    /// the store's clock (the database's, for PostgreSQL), in one transaction. Each one's children are re-parented to its
    /// own parent, so lineage revocation still reaches every remaining descendant. Returns how many were deleted.
    /// </summary>
    Task<int> PruneExpiredCertificatesAsync(TimeSpan retention, int limit, CancellationToken cancellationToken);

    /// <summary>The newest policy version, or null if the sandbox has none (or does not exist).</summary>
    Task<PolicyRecord?> GetCurrentPolicyAsync(string sandboxId, CancellationToken cancellationToken) =>
        GetCurrentPolicyAsync(sandboxId, null, cancellationToken);

    /// <summary>
    /// As <see cref="GetCurrentPolicyAsync(string, CancellationToken)"/>; with an <paramref name="incarnation"/>, nothing
    /// unless the sandbox is still that incarnation (the one a sandbox caller was authenticated for).
    /// </summary>
    Task<PolicyRecord?> GetCurrentPolicyAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken);

    /// <summary>
    /// Writes version expectedVersion + 1 if the current version equals <paramref name="expectedVersion"/>
    /// (0 = no policy yet), atomically. Versions never skip and never repeat. A document identical to the current
    /// version's writes nothing (Unchanged), so re-applying is safe.
    /// </summary>
    Task<PolicyUpdateResult> UpdatePolicyAsync(string sandboxId, long expectedVersion, string document, string createdBy, CancellationToken cancellationToken);

    /// <summary>
    /// For each sandbox after <paramref name="afterSandboxId"/> (exclusive, by id): its current version, effective state,
    /// active version and since when — one query per page, however many sandboxes.
    /// </summary>
    Task<IReadOnlyList<PolicyRolloutRecord>> ListPolicyRolloutAsync(string? afterSandboxId, int limit, CancellationToken cancellationToken);

    /// <summary>All versions, newest first, each with its effective status.</summary>
    Task<IReadOnlyList<PolicyHistoryRecord>> ListPoliciesAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Records a LOADED/FAILED report for the sandbox's current version.</summary>
    Task<StatusReportResult> ReportPolicyStatusAsync(string sandboxId, long version, PolicyState state, string message, CancellationToken cancellationToken) =>
        ReportPolicyStatusAsync(sandboxId, null, version, state, message, cancellationToken);

    /// <summary>As the overload without incarnation; SandboxNotFound unless the sandbox is still <paramref name="incarnation"/> (when given).</summary>
    Task<StatusReportResult> ReportPolicyStatusAsync(string sandboxId, string? incarnation, long version, PolicyState state, string message, CancellationToken cancellationToken);

    /// <summary>Status of the newest version plus the last LOADED version; null if the sandbox does not exist.</summary>
    Task<PolicyStatusRecord?> GetPolicyStatusAsync(string sandboxId, CancellationToken cancellationToken) =>
        GetPolicyStatusAsync(sandboxId, null, cancellationToken);

    /// <summary>As the overload without incarnation; null unless the sandbox is still <paramref name="incarnation"/> (when given).</summary>
    Task<PolicyStatusRecord?> GetPolicyStatusAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken);

    /// <summary>Replaces the provider environment; values are encrypted before they reach the database. False if no such sandbox.</summary>
    Task<bool> SetProviderEnvironmentAsync(string sandboxId, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken);

    /// <summary>The decrypted provider environment; empty if none was set, null if no such sandbox.</summary>
    Task<IReadOnlyDictionary<string, string>?> GetProviderEnvironmentAsync(string sandboxId, CancellationToken cancellationToken) =>
        GetProviderEnvironmentAsync(sandboxId, null, cancellationToken);

    /// <summary>As the overload without incarnation; null unless the sandbox is still <paramref name="incarnation"/> (when given).</summary>
    Task<IReadOnlyDictionary<string, string>?> GetProviderEnvironmentAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken);

    /// <summary>
    /// Appends lines, assigning increasing sequence numbers, then trims the sandbox's log to the retention cap
    /// (oldest lines go first). Returns the last assigned sequence, or null if no such sandbox.
    /// </summary>
    Task<long?> AppendLogsAsync(string sandboxId, IReadOnlyList<LogLineRecord> lines, CancellationToken cancellationToken) =>
        AppendLogsAsync(sandboxId, null, lines, cancellationToken);

    /// <summary>As the overload without incarnation; null (nothing written) unless the sandbox is still <paramref name="incarnation"/> (when given).</summary>
    Task<long?> AppendLogsAsync(string sandboxId, string? incarnation, IReadOnlyList<LogLineRecord> lines, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="AppendLogsAsync(string, string?, IReadOnlyList{LogLineRecord}, CancellationToken)"/> for several messages (of any sandboxes) in one transaction and one durable commit.
    /// Returns, per append in order, the last assigned sequence or null if no such sandbox.
    /// </summary>
    Task<IReadOnlyList<long?>> AppendLogBatchAsync(IReadOnlyList<LogAppend> appends, CancellationToken cancellationToken);

    /// <summary>Lines with sequence &gt; afterSequence and timestamp &gt;= since, oldest first, at most limit.</summary>
    Task<IReadOnlyList<StoredLogLine>> ReadLogsAsync(string sandboxId, long afterSequence, DateTimeOffset? since, int limit, CancellationToken cancellationToken) =>
        ReadLogsAsync(sandboxId, null, afterSequence, since, limit, cancellationToken);

    /// <summary>As the overload without incarnation; empty unless the sandbox is still <paramref name="incarnation"/> (when given).</summary>
    Task<IReadOnlyList<StoredLogLine>> ReadLogsAsync(string sandboxId, string? incarnation, long afterSequence, DateTimeOffset? since, int limit, CancellationToken cancellationToken);
}
