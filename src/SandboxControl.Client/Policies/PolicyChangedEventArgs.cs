namespace SandboxControl.Client.Policies;

/// <summary>A policy version newer than the last one seen (the first poll reports the current one).</summary>
public sealed class PolicyChangedEventArgs(SandboxPolicyDocument policy, long previousVersion) : EventArgs
{
    /// <summary>The new policy.</summary>
    public SandboxPolicyDocument Policy { get; } = policy;

    /// <summary>The version seen before (0 on the first poll).</summary>
    public long PreviousVersion { get; } = previousVersion;
}
