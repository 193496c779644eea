namespace SandboxControl.Server.Storage;

/// <summary>The outcome of revoking a serial: its sandbox and the whole lineage now revoked.</summary>
internal sealed record CertificateRevocation(string SandboxId, IReadOnlyList<string> RevokedSerialNumbers);
