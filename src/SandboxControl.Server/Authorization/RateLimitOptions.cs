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
}
