namespace SandboxControl.Server.Tls;

internal static partial class Log
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "TLS client certificate refused: serial {SerialNumber}, {Reason}")]
    public static partial void HandshakeRefused(ILogger logger, string serialNumber, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "TLS material reloaded: server certificate {Thumbprint}, {CaCount} client CA certificates")]
    public static partial void TlsMaterialReloaded(ILogger logger, string thumbprint, int caCount);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "TLS files changed but did not load ({Error}); keeping the current certificate and CAs")]
    public static partial void TlsMaterialReloadFailed(ILogger logger, string error);
}
