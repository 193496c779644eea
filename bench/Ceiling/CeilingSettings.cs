namespace SandboxControl.Bench.Ceiling;

/// <summary>Command-line settings (<c>--Ceiling:Port=...</c> etc.).</summary>
internal sealed class CeilingSettings
{
    /// <summary>Loopback port to listen on.</summary>
    public int Port { get; set; } = 7444;

    /// <summary>PEM server certificate.</summary>
    public string ServerCertificatePath { get; set; } = "";

    /// <summary>PEM server key.</summary>
    public string ServerKeyPath { get; set; } = "";

    /// <summary>PEM CA bundle client certificates must chain to.</summary>
    public string ClientCaPath { get; set; } = "";

    /// <summary>Size of the constant policy document.</summary>
    public int PolicyBytes { get; set; } = 512;
}
