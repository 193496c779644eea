namespace SandboxControl.Server.Storage;

/// <summary>One pushed message's lines for one sandbox, as queued for a group commit.</summary>
internal sealed record LogAppend(string SandboxId, IReadOnlyList<LogLineRecord> Lines);
