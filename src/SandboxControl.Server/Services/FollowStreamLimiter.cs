using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Services;

/// <summary>Caps concurrent log-follow streams per caller: each one pins a read batch in memory.</summary>
internal sealed class FollowStreamLimiter(IOptions<LimitsOptions> limits)
{
    private readonly int _max = limits.Value.MaxFollowStreamsPerCaller;
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Counts one stream for the caller until disposed, or throws ResourceExhausted.</summary>
    public IDisposable Acquire(string caller)
    {
        var count = _open.AddOrUpdate(caller, 1, (_, current) => current + 1);
        if (count > _max)
        {
            Release(caller);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"at most {_max} concurrent log follow streams per caller"));
        }

        return new Lease(this, caller);
    }

    private void Release(string caller) => _open.AddOrUpdate(caller, 0, (_, current) => current - 1);

    private sealed class Lease(FollowStreamLimiter owner, string caller) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(caller);
            }
        }
    }
}
