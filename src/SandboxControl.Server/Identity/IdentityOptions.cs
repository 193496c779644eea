namespace SandboxControl.Server.Identity;

/// <summary>How callers are named and which certificates are dead. Section "Identity".</summary>
internal sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>
    /// The SPIFFE trust domain every caller's URI SAN must carry, e.g. "sandboxes.example.org".
    /// Lowercase letters, digits, '.', '-', '_'. Required.
    /// </summary>
    public string TrustDomain { get; set; } = "";

    /// <summary>
    /// Optional file of revoked certificate serial numbers (hex, one per line, '#' comments).
    /// Re-read when it changes; a listed certificate is refused on its next call, even on an open connection.
    /// </summary>
    public string? DenyListPath { get; set; }

    /// <summary>
    /// Accept sandbox certificates the server did not sign (an external CA: cert-manager, SPIRE, the offline
    /// `sandboxctl certs issue-sandbox`). Default false: only certificates recorded by IssueSandboxCertificate,
    /// RenewSandboxCertificate or dev mode are accepted. When true, an unrecorded certificate is tied to the
    /// sandbox's current incarnation only by its NotBefore being no earlier than the creation second, which
    /// compares the issuer's clock with the server's; see the README.
    /// </summary>
    public bool AcceptExternalCertificates { get; set; }

    /// <summary>
    /// With <see cref="AcceptExternalCertificates"/>: how long after its deletion a sandbox id may not be created
    /// again, enforced by the store on the database's clock (one clock for all replicas). Default 2 s, at least 1 s.
    /// </summary>
    public TimeSpan ExternalReuseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the deny list file is checked for changes. Default 250 ms.</summary>
    public TimeSpan DenyListPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
