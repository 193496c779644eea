namespace SandboxControl.Server.Authorization;

internal static partial class Log
{
    // The body is formatted by SecretRedactor: fields marked (sandboxcontrol.v1.secret) never reach the log.
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Authorized {Rpc} {Request}")]
    public static partial void Request(ILogger logger, string rpc, string request);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Operator roles reloaded: {Count} operators")]
    public static partial void OperatorRolesReloaded(ILogger logger, int count);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Operator roles not reloaded, keeping the previous map: {Problem}")]
    public static partial void OperatorRolesRejected(ILogger logger, string problem);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Request body of {Rpc} from {Caller} did not parse; answered InvalidArgument")]
    public static partial void InvalidRequestBody(ILogger logger, string rpc, string caller);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Stream {Rpc} of {Caller} ended: its reader did not take a message within {Timeout}")]
    public static partial void StreamWriteTimedOut(ILogger logger, string rpc, string caller, TimeSpan timeout);
}
