namespace SandboxControl.Server.Tls;

/// <summary>Server certificate and the CA that client certificates must chain to. Section "Tls".</summary>
internal sealed class TlsOptions
{
    public const string SectionName = "Tls";

    /// <summary>PEM file with the server certificate, optionally followed by its intermediates.</summary>
    public string ServerCertificatePath { get; set; } = "";

    /// <summary>PEM file with the server's private key. Must not be readable by group or others.</summary>
    public string ServerKeyPath { get; set; } = "";

    /// <summary>
    /// PEM bundle of the CA certificates client certificates must chain to. Only these are trusted:
    /// never the system roots.
    /// </summary>
    public string ClientCaPath { get; set; } = "";

    /// <summary>How often the three files are checked for changes (certificate rotation without restart). Default 1 second.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(1);
}
