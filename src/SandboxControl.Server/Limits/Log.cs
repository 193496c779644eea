namespace SandboxControl.Server.Limits;

internal static partial class Log
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Connection of {Caller} closed: it already has {Max} open connections")]
    public static partial void ConnectionRefused(ILogger logger, string caller, int max);
}
