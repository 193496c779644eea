using Grpc.Core;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// Checks each client-stream message as the handler reads it. Reading ahead in the interceptor would
/// break the handler; checking only the first message would let later messages name another sandbox.
/// </summary>
internal sealed class AuthorizingStreamReader<T>(IAsyncStreamReader<T> inner, Func<object, Task> authorize) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (!await inner.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // Throws RpcException before the handler ever sees a message for another sandbox.
        await authorize(inner.Current!).ConfigureAwait(false);
        return true;
    }
}
