namespace SandboxControl.Server.Policies;

internal static partial class Log
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Policy schema {Path} reloaded")]
    public static partial void SchemaReloaded(ILogger logger, string path);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Policy schema {Path} changed but was refused, the previous schema stays in force: {Problem}")]
    public static partial void SchemaReloadRefused(ILogger logger, string path, string problem);
}
