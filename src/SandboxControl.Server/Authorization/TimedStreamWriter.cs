using Grpc.Core;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// A response stream whose reader must take each message within a time limit: a client that opens a
/// stream and never reads would otherwise pin the message, the connection's buffers and the handler.
/// </summary>
internal sealed class TimedStreamWriter<T>(IServerStreamWriter<T> inner, TimeSpan timeout, Action onTimeout) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        var write = inner.WriteAsync(message, cancellationToken);
        try
        {
            await write.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Aborting the HTTP/2 stream fails the pending write and frees what it holds.
            onTimeout();
            _ = write.ContinueWith(static failed => _ = failed.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"stream reader did not take a message within {timeout.TotalSeconds:0.#} s"));
        }
    }
}
