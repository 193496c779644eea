namespace SandboxControl.Client.Errors;

/// <summary>Every failure of the client library: <see cref="Exception.Message"/> is one line a person can act on; the underlying error is the inner exception.</summary>
public class SandboxControlException : Exception
{
    public SandboxControlException()
    {
    }

    public SandboxControlException(string message)
        : base(message)
    {
    }

    public SandboxControlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
