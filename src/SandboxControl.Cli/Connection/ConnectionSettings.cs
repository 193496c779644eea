namespace SandboxControl.Cli.Connection;

/// <summary>Where the server is and which files authenticate the connection; paths are absolute.</summary>
internal sealed record ConnectionSettings(Uri Server, string CaPath, string CertificatePath, string KeyPath)
{
    /// <summary><c>host:port</c>, for messages.</summary>
    public string Endpoint => Server.Authority;
}
