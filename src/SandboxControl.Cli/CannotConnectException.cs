namespace SandboxControl.Cli;

/// <summary>No connection could be made; the message is the one-line explanation. Exits with <see cref="ExitCodes.CannotConnect"/>.</summary>
internal sealed class CannotConnectException : Exception
{
    public CannotConnectException()
    {
    }

    public CannotConnectException(string message)
        : base(message)
    {
    }

    public CannotConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
