namespace SandboxControl.Server.Storage;

/// <summary>A creation refused because the id was deleted too recently (external-certificate mode only).</summary>
internal sealed class SandboxIdReusedTooSoonException : Exception
{
    public SandboxIdReusedTooSoonException()
        : base("The sandbox id was deleted too recently to be created again.")
    {
    }

    public SandboxIdReusedTooSoonException(string message)
        : base(message)
    {
    }

    public SandboxIdReusedTooSoonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
