namespace SandboxControl.Server.Storage;

internal enum SandboxChangeKind
{
    Created,
    Deleted,
    LogsAppended,
    PolicyChanged,

    /// <summary>A certificate was recorded for the sandbox (issued or renewed).</summary>
    CertificateIssued,

    /// <summary>Certificates of the sandbox were revoked: open streams must re-check their caller now.</summary>
    CertificateRevoked,

    /// <summary>The store re-read its state after missing notifications (a replica's listener reconnected): anything may have changed.</summary>
    Reloaded,
}
