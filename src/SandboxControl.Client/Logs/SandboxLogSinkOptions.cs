namespace SandboxControl.Client.Logs;

/// <summary>Bounds and pacing of the log sink.</summary>
public sealed class SandboxLogSinkOptions
{
    /// <summary>
    /// Lines buffered while waiting to be sent. When full, the oldest line is dropped and counted in
    /// <see cref="SandboxLogSink.DroppedLines"/>. At most this plus one batch is held in memory. Default 10,000.
    /// </summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>
    /// Encoded bytes of lines buffered while waiting to be sent; when exceeded, the oldest lines are dropped
    /// and counted in <see cref="SandboxLogSink.DroppedLines"/>, as for <see cref="Capacity"/>. Default 16 MiB.
    /// </summary>
    public long CapacityBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most lines per PushSandboxLogs call (the server accepts up to 1,000 by default). Default 500.</summary>
    public int MaxBatchLines { get; set; } = 500;

    /// <summary>Most bytes of encoded lines per call (the server accepts messages up to 1 MiB by default). Default 256 KiB.</summary>
    public int MaxBatchBytes { get; set; } = 256 * 1024;

    /// <summary>How long a partial batch waits for more lines before it is sent. Default 200 ms.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longer messages are cut to this many characters (the server refuses longer ones). Default 16,384.</summary>
    public int MaxMessageChars { get; set; } = 16_384;

    /// <summary>First retry delay after a failed push; doubles per failure, jittered. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest retry delay. Default 10 seconds.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of one push call. Default 15 seconds.</summary>
    public TimeSpan PushTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long <see cref="SandboxLogSink.DisposeAsync"/> keeps trying to send what is buffered. Default 5 seconds.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(CapacityBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchLines, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageChars, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FlushInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PushTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(FlushTimeout, TimeSpan.Zero);
    }
}
