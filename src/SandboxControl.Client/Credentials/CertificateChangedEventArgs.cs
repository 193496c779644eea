namespace SandboxControl.Client.Credentials;

/// <summary>New connections now use <see cref="Certificate"/>.</summary>
public sealed class CertificateChangedEventArgs(CertificateInfo certificate, CertificateChangeReason reason) : EventArgs
{
    /// <summary>The certificate now in use.</summary>
    public CertificateInfo Certificate { get; } = certificate;

    /// <summary>Renewal or replaced files.</summary>
    public CertificateChangeReason Reason { get; } = reason;
}
