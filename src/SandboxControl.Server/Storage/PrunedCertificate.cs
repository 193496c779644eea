namespace SandboxControl.Server.Storage;

/// <summary>A certificate deleted by pruning, and the parent its children were handed to (null: they became roots).</summary>
internal sealed record PrunedCertificate(string SerialNumber, string SandboxId, string? NewParentSerialNumber);
