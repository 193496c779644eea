namespace SandboxControl.Server.Storage;

/// <summary>
/// One pushed message's lines for one sandbox, as queued for a group commit. With an incarnation (a sandbox caller's
/// pinned one) nothing is written unless the sandbox is still that incarnation.
/// </summary>
internal sealed record LogAppend(string SandboxId, IReadOnlyList<LogLineRecord> Lines, string? Incarnation = null);
