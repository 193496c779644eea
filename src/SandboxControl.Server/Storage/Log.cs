namespace SandboxControl.Server.Storage;

/// <summary>Storage log messages (EventIds 3000-3099). Never a policy document or a credential value.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Opened database {DatabasePath} at schema version {SchemaVersion} with {SandboxCount} sandboxes")]
    public static partial void DatabaseOpened(ILogger logger, string databasePath, int schemaVersion, int sandboxCount);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Applied database migration to schema version {SchemaVersion}")]
    public static partial void MigrationApplied(ILogger logger, int schemaVersion);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "The provider environment of sandbox {SandboxId} could not be decrypted (wrong key or tampered row)")]
    public static partial void ProviderEnvironmentUndecryptable(ILogger logger, string sandboxId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Opened PostgreSQL database {Database} on {Host} at schema version {SchemaVersion} with {SandboxCount} sandboxes")]
    public static partial void PostgresOpened(ILogger logger, string? database, string? host, int schemaVersion, int sandboxCount);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "The PostgreSQL notification connection failed; reconnecting (sandbox identities fail closed once stale)")]
    public static partial void ListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Listening for sandbox changes; reloaded {SandboxCount} sandboxes")]
    public static partial void ListenerConnected(ILogger logger, int sandboxCount);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "The PostgreSQL connection holding Audit:Replica {Replica} failed; claiming the name again on reconnect")]
    public static partial void ReplicaNameConnectionLost(ILogger logger, string replica, Exception exception);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "Audit:Replica {Replica} is held by another running server on this database since the reconnect; both servers' audit events and shipping marks now share one name: give each replica its own name")]
    public static partial void ReplicaNameTaken(ILogger logger, string replica);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Audit:Replica {Replica} claimed again after reconnecting")]
    public static partial void ReplicaNameReclaimed(ILogger logger, string replica);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Pruned {Count} certificates expired longer than {Retention}; their children were re-parented")]
    public static partial void CertificatesPruned(ILogger logger, long count, TimeSpan retention);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Expired certificates could not be pruned ({Kind}: {Reason}); trying again in {Interval}")]
    public static partial void CertificatePruneFailed(ILogger logger, string kind, string reason, TimeSpan interval);
}
