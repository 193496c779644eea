namespace SandboxControl.Client.Errors;

/// <summary>No connection to the server: nothing listens at the address, the name does not resolve, or the server did not answer in time.</summary>
public sealed class ServerUnreachableException : SandboxControlException
{
    public ServerUnreachableException()
    {
    }

    public ServerUnreachableException(string message)
        : base(message)
    {
    }

    public ServerUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
