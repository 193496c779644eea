namespace SandboxControl.Server.Storage;

internal enum LogSeverity
{
    Unspecified = 0,
    Trace = 1,
    Debug = 2,
    Info = 3,
    Warn = 4,
    Error = 5,
}
