namespace SandboxControl.Server.Storage;

/// <summary>One sandbox in the rollout view: newest version, its effective state, the version in force, since when.</summary>
internal sealed record PolicyRolloutRecord(string SandboxId, long Version, PolicyState State, long ActiveVersion, DateTimeOffset Since, string Message);
