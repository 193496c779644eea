namespace SandboxControl.Server.Tls;

internal static partial class Log
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "TLS client certificate refused: serial {SerialNumber}, {Reason}")]
    public static partial void HandshakeRefused(ILogger logger, string serialNumber, string reason);
}
