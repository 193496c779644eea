namespace SandboxControl.Server.Storage;

internal sealed record StoredLogLine(long Sequence, DateTimeOffset Timestamp, LogSeverity Level, string Source, string Message);
