namespace SandboxControl.Client.Errors;

/// <summary>The TLS handshake failed: the server refused this certificate (another CA, expired, not a client certificate) or its own certificate does not chain to the CA bundle or match the host name.</summary>
public sealed class HandshakeRefusedException : SandboxControlException
{
    public HandshakeRefusedException()
    {
    }

    public HandshakeRefusedException(string message)
        : base(message)
    {
    }

    public HandshakeRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
