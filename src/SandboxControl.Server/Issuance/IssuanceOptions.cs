namespace SandboxControl.Server.Issuance;

/// <summary>
/// The CA the server signs sandbox CSRs with. Section "Issuance". Configured separately from
/// Tls:ClientCaPath (the trust bundle), so trust can span old and new CAs while only one issues.
/// </summary>
internal sealed class IssuanceOptions
{
    public const string SectionName = "Issuance";

    /// <summary>PEM certificate of the issuing CA. Leave empty to disable IssueSandboxCertificate.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>PEM private key of the issuing CA; must not be readable by group or others.</summary>
    public string? CaKeyPath { get; set; }

    /// <summary>Lifetime of sandbox certificates issued or renewed by the server, 5 seconds to 30 days. Default 24 hours.</summary>
    public TimeSpan SandboxCertificateLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Unexpired, unrevoked certificates one sandbox may hold; issuing or renewing beyond it is refused with
    /// ResourceExhausted. At least 2 (a renewal needs the current and the new one alive at once). Default 8.
    /// </summary>
    public int MaxLiveCertificatesPerSandbox { get; set; } = 8;

    /// <summary>
    /// How long a certificate stays recorded after its not_after; then the pruner deletes it and hands its children to
    /// its parent (so revoking a remaining ancestor still revokes them). At least 1 hour. Default 7 days.
    /// </summary>
    public TimeSpan ExpiredCertificateRetention { get; set; } = TimeSpan.FromDays(7);

    public bool IsConfigured => !string.IsNullOrEmpty(CaCertificatePath);
}
