namespace SandboxControl.Server.Storage;

internal enum CertificateRecordOutcome
{
    Recorded,

    /// <summary>The sandbox is gone or is now another incarnation than the one the certificate was signed for.</summary>
    SandboxGone,

    /// <summary>A renewal whose parent certificate has been revoked (or is not this incarnation's).</summary>
    ParentRevoked,

    /// <summary>The sandbox already holds the limit of unrevoked, unexpired certificates; nothing was recorded.</summary>
    TooManyLive,
}
