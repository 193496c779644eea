namespace SandboxControl.Server.Storage;

/// <summary>The store cannot answer for now (database unreachable, directory not current); callers see Unavailable.</summary>
internal sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
