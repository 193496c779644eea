namespace SandboxControl.Server.Storage;

/// <summary>What every identity check needs to know about a live sandbox, served from memory.</summary>
internal sealed record SandboxDirectoryEntry(DateTimeOffset CreatedAt, string Incarnation);
