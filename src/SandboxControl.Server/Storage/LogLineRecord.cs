namespace SandboxControl.Server.Storage;

internal sealed record LogLineRecord(DateTimeOffset Timestamp, LogSeverity Level, string Source, string Message);
