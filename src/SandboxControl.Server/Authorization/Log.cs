namespace SandboxControl.Server.Authorization;

internal static partial class Log
{
    // The body is formatted by SecretRedactor: fields marked (sandboxcontrol.v1.secret) never reach the log.
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Authorized {Rpc} {Request}")]
    public static partial void Request(ILogger logger, string rpc, string request);
}
