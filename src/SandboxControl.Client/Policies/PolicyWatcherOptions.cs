namespace SandboxControl.Client.Policies;

/// <summary>How often the policy is polled.</summary>
public sealed class PolicyWatcherOptions
{
    /// <summary>Poll interval, jittered ± 20 %. Default 10 seconds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between attempts after errors. Default 60 seconds.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);
}
