namespace SandboxControl.Server.Hosting;

/// <summary>Where the server listens. Section "Server". There is exactly one listener, always mTLS.</summary>
internal sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>IP address to listen on (an IP literal, not a host name). Default 127.0.0.1.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port. Default 7443; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 7443;
}
