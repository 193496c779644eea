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
}
