namespace SandboxControl.Server.Storage;

/// <summary>
/// A sandbox certificate the server signed, as the store keeps it. The serial is uppercase hex (as
/// X509Certificate2.SerialNumber reports it); the parent is the certificate a renewal was made from (null for an
/// issuance); IssuedBy is who asked (operator/name or sandbox/id).
/// </summary>
internal sealed record CertificateRecord(
    string SerialNumber,
    string SandboxId,
    string Incarnation,
    string? ParentSerialNumber,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string IssuedBy,
    DateTimeOffset? RevokedAt);
