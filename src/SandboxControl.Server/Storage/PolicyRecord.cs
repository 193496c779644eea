namespace SandboxControl.Server.Storage;

internal sealed record PolicyRecord(string SandboxId, long Version, string Document, DateTimeOffset CreatedAt, string CreatedBy);
