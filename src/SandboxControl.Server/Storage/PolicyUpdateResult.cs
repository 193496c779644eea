namespace SandboxControl.Server.Storage;

/// <summary>On StaleVersion, <see cref="CurrentVersion"/> is what the store holds.</summary>
internal sealed record PolicyUpdateResult(PolicyUpdateOutcome Outcome, PolicyRecord? Policy, long CurrentVersion);
