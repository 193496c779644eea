namespace SandboxControl.Server.Identity;

internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Certificate deny list loaded with {Count} serials")]
    public static partial void DenyListLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Certificate deny list could not be read; keeping the previous list")]
    public static partial void DenyListReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Certificate deny list {Path} is missing; keeping the previous list")]
    public static partial void DenyListMissing(ILogger logger, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Certificate deny list {Path} line {LineNumber} is not a hex serial and revokes nothing: '{Line}'")]
    public static partial void DenyListLineRejected(ILogger logger, string path, int lineNumber, string line);
}
