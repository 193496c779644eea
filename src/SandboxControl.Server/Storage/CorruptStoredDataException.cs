namespace SandboxControl.Server.Storage;

/// <summary>
/// Stored bytes the server cannot read (a damaged row, or one written by a newer version); callers see DataLoss for
/// that read while everything else is still served.
/// </summary>
internal sealed class CorruptStoredDataException : Exception
{
    public CorruptStoredDataException()
    {
    }

    public CorruptStoredDataException(string message)
        : base(message)
    {
    }

    public CorruptStoredDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
