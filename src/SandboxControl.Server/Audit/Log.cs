namespace SandboxControl.Server.Audit;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Critical, Message = "Audit event could not be written; refusing the request: {Reason}")]
    public static partial void AuditWriteFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Critical, Message = "Audit batch of {Count} events could not be written to {Path}: {Reason}; those calls are refused and the events will not be written later")]
    public static partial void AuditBatchFailed(ILogger logger, int count, string path, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Audit file {Path} was deleted or renamed while open (was {OpenedAs}); a new file was started")]
    public static partial void AuditFileReopened(ILogger logger, string path, string? openedAs);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Audit file {Path} writable again")]
    public static partial void AuditRecovered(ILogger logger, string path);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Audit file {Path} ends in a partial line at offset {Offset} (torn by a crash mid-write); skipped")]
    public static partial void AuditTornLineSkipped(ILogger logger, string path, long offset);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Audit events cannot be copied to the shared audit index ({Kind}: {Reason}); retrying, the audit file keeps the record meanwhile")]
    public static partial void AuditIndexFailing(ILogger logger, string kind, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Audit events are copied to the shared audit index again")]
    public static partial void AuditIndexRecovered(ILogger logger);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "{Count} audit events were not copied to the shared audit index (its queue was full); they are in {Path}")]
    public static partial void AuditIndexLinesDropped(ILogger logger, long count, string path);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "{Count} audit events stored in the shared audit index longer than {Retention} were deleted (Audit:IndexRetention)")]
    public static partial void AuditIndexPruned(ILogger logger, long count, TimeSpan retention);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Old audit events could not be deleted from the shared audit index ({Kind}: {Reason}); trying again in {Interval}")]
    public static partial void AuditIndexPruneFailed(ILogger logger, string kind, string reason, TimeSpan interval);
}
