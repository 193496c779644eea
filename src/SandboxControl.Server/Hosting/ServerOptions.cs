namespace SandboxControl.Server.Hosting;

/// <summary>Where the server listens. Section "Server". There is exactly one listener, always mTLS.</summary>
internal sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>IP address to listen on (an IP literal, not a host name). Default 127.0.0.1.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>TCP port. Default 7443; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 7443;

    /// <summary>
    /// On SIGTERM: how long in-flight calls may take to finish after the port stops accepting.
    /// Log follow streams end at once with OK. Default 15 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
