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

    /// <summary>A certificate long expired was pruned and its children re-parented: a stream still holding it re-checks now.</summary>
    CertificatePruned,

    /// <summary>The store re-read its state after missing notifications (a replica's listener reconnected): anything may have changed.</summary>
    Reloaded,
}
