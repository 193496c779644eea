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

    /// <summary>Most open connections on the listener; beyond it Kestrel closes new ones. Default 1024.</summary>
    public long MaxConnections { get; set; } = 1024;

    /// <summary>
    /// Most open connections per certificate identity (sandbox or operator), counted after the handshake;
    /// over it a new connection is closed and established ones are untouched. Default 16: a client needs one
    /// HTTP/2 connection for all its calls.
    /// </summary>
    public int MaxConnectionsPerCaller { get; set; } = 16;

    /// <summary>How long a client may take to complete the TLS handshake. Default 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection with no open call is kept (Kestrel's keep-alive timeout). Default 30 seconds:
    /// gRPC clients reconnect transparently, and an idle connection still holds ~95 KB of buffers.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
