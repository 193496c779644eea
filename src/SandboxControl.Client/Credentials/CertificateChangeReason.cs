namespace SandboxControl.Client.Credentials;

/// <summary>Why the client switched to another certificate.</summary>
public enum CertificateChangeReason
{
    /// <summary>The server renewed it (a new key, generated here).</summary>
    Renewed,

    /// <summary>The certificate, key or CA bundle files were replaced on disk.</summary>
    FilesReplaced,
}
