namespace SandboxControl.Server.Storage;

/// <summary>One entry of the in-memory allow list: enough to decide, per call, whether a serial is alive.</summary>
internal sealed record AllowedCertificate(string SandboxId, string Incarnation, string? ParentSerialNumber, bool Revoked);
