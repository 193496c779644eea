namespace SandboxControl.Server.Audit;

internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "audit {Decision} {Rpc} caller={Caller} serial={Serial} target={Target} status={Status} reason={Reason}")]
    public static partial void Decision(ILogger logger, string decision, string rpc, string? caller, string? serial, string? target, string status, string reason);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Critical, Message = "Audit event could not be written; refusing the request")]
    public static partial void AuditWriteFailed(ILogger logger, Exception exception);
}
