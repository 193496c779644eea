namespace SandboxControl.Server.Storage.LogCommit;

/// <summary>The sandbox already has Storage:LogQueueMaxMessagesPerSandbox messages waiting for their commit.</summary>
internal sealed class LogQueueFullException : Exception
{
    public const string Refusal = "too many log messages of this sandbox are waiting to be stored";

    public LogQueueFullException()
        : base(Refusal)
    {
    }

    public LogQueueFullException(string message)
        : base(message)
    {
    }

    public LogQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
