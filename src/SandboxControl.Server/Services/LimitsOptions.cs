namespace SandboxControl.Server.Services;

/// <summary>Request size limits. Section "Limits". Oversized input is refused, never truncated.</summary>
internal sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Largest gRPC message the server accepts; larger ones get ResourceExhausted. Default 1 MiB.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest policy document, in UTF-8 bytes. Default 256 KiB.</summary>
    public int MaxPolicyBytes { get; set; } = 256 * 1024;

    /// <summary>Most log lines in one PushSandboxLogs message. Default 1000.</summary>
    public int MaxLogLinesPerMessage { get; set; } = 1000;

    /// <summary>Longest log message, in characters. Default 16384.</summary>
    public int MaxLogMessageChars { get; set; } = 16 * 1024;

    /// <summary>Most provider environment variables per sandbox. Default 256.</summary>
    public int MaxEnvironmentVariables { get; set; } = 256;

    /// <summary>Longest provider environment value, in characters. Default 32768.</summary>
    public int MaxEnvironmentValueChars { get; set; } = 32 * 1024;

    /// <summary>Most concurrent GetSandboxLogs follow streams per caller identity. Default 8.</summary>
    public int MaxFollowStreamsPerCaller { get; set; } = 8;
}
