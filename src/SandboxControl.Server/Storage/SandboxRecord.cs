namespace SandboxControl.Server.Storage;

/// <summary>A sandbox row. Its incarnation is random and new on every creation: which life of this id the row is.</summary>
internal sealed record SandboxRecord(string SandboxId, DateTimeOffset CreatedAt, long PolicyVersion, string Incarnation);
