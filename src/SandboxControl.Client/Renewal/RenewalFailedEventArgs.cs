namespace SandboxControl.Client.Renewal;

/// <summary>An automatic renewal attempt failed; it is retried with backoff until the certificate expires.</summary>
public sealed class RenewalFailedEventArgs(Exception error, int attempt, DateTimeOffset currentNotAfter) : EventArgs
{
    /// <summary>Why (an <see cref="Grpc.Core.RpcException"/> for a refusal). Never carries key material.</summary>
    public Exception Error { get; } = error;

    /// <summary>Consecutive failures so far.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>When the certificate still in use expires.</summary>
    public DateTimeOffset CurrentNotAfter { get; } = currentNotAfter;
}
