namespace SandboxControl.Client.Policies;

/// <summary>One version of this sandbox's policy.</summary>
/// <param name="Version">Monotonic per sandbox, starting at 1.</param>
/// <param name="Document">The policy document, opaque to the control plane.</param>
/// <param name="CreatedAt">When the version was written.</param>
/// <param name="CreatedBy">The operator who wrote it.</param>
public sealed record SandboxPolicyDocument(long Version, string Document, DateTimeOffset? CreatedAt, string CreatedBy);
