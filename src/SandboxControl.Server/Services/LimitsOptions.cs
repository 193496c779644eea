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

    /// <summary>
    /// Most concurrent server streams (log reads follow or not, health Watch, reflection) per caller
    /// identity. Default 16.
    /// </summary>
    public int MaxStreamsPerCaller { get; set; } = 16;

    /// <summary>
    /// Most concurrent unary calls per caller identity, counted from their headers (a body that arrives slowly holds its
    /// place, and each may buffer up to MaxReceiveMessageBytes). Default 64.
    /// </summary>
    public int MaxUnaryCallsPerCaller { get; set; } = 64;

    /// <summary>
    /// Most concurrent PushSandboxLogs streams per caller identity, counted from their headers (a stream that never
    /// sends holds its place too). Default 64.
    /// </summary>
    public int MaxPushStreamsPerCaller { get; set; } = 64;

    /// <summary>Most concurrent server streams (log reads, health Watch, reflection; not pushes) on the whole server. Default 256 (each may hold one log page plus a 64 KiB response buffer).</summary>
    public int MaxStreams { get; set; } = 256;

    /// <summary>
    /// Of <see cref="MaxStreams"/>, how many only operators may open: sandboxes together stop at MaxStreams minus this,
    /// so many compromised sandboxes cannot lock operators out of log reads and health Watch. Default 32.
    /// </summary>
    public int OperatorStreamReserve { get; set; } = 32;

    /// <summary>How long a stream's reader may leave one message untaken before the stream is ended (ResourceExhausted). Default 30 s.</summary>
    public TimeSpan StreamWriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an open server stream re-checks its caller (deny list, expiry, sandbox deletion). Default 2 s.</summary>
    public TimeSpan StreamRecheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Log lines read from the store per page of a GetSandboxLogs stream. Default 16 (at most 16 x 16 KiB characters held per stream).</summary>
    public int LogReadPageLines { get; set; } = 16;
}
