namespace SandboxControl.Server.Audit;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Critical, Message = "Audit event could not be written; refusing the request")]
    public static partial void AuditWriteFailed(ILogger logger, Exception exception);
}
