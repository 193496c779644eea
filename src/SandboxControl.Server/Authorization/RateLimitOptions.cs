namespace SandboxControl.Server.Authorization;

/// <summary>Per-caller request rate limit. Section "RateLimit". Exceeding it gets ResourceExhausted.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "RateLimit";

    /// <summary>Whether calls are rate limited per caller identity. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained calls per second per caller (sandbox or operator). Default 200.</summary>
    public int PermitsPerSecond { get; set; } = 200;

    /// <summary>Calls a caller may make at once above the sustained rate. Default 400.</summary>
    public int Burst { get; set; } = 400;

    /// <summary>
    /// Sustained PushSandboxLogs lines per second per caller, charged per message (each message also costs
    /// one call permit). Default 2000: far above what a sandbox's own logging needs, low enough that one
    /// flooding sandbox cannot occupy the store's write path.
    /// </summary>
    public int LogLinesPerSecond { get; set; } = 2000;

    /// <summary>Log lines a caller may push at once above the sustained rate. Default 4000.</summary>
    public int LogLinesBurst { get; set; } = 4000;
}
