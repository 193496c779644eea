namespace SandboxControl.Server.Storage;

internal sealed record SandboxRecord(string SandboxId, DateTimeOffset CreatedAt, long PolicyVersion);
