namespace SandboxControl.Client.Logs;

/// <summary>Severity of a pushed log line.</summary>
public enum LogSeverity
{
    /// <summary>Trace.</summary>
    Trace = 1,

    /// <summary>Debug.</summary>
    Debug = 2,

    /// <summary>Informational.</summary>
    Info = 3,

    /// <summary>Warning.</summary>
    Warn = 4,

    /// <summary>Error.</summary>
    Error = 5,
}
