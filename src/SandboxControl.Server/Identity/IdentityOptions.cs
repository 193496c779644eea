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

    /// <summary>How often the deny list file is checked for changes. Default 250 ms.</summary>
    public TimeSpan DenyListPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
