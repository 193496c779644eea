using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Services;

namespace SandboxControl.Server.Limits;

/// <summary>
/// Counts every open server stream (log reads, follow or not, health Watch, reflection) per caller and
/// server-wide: each one pins a read page and a response buffer for as long as its reader lets it. Sandboxes together
/// stop short of the server-wide cap by Limits:OperatorStreamReserve, which stays for operators.
/// </summary>
internal sealed class StreamLimiter(IOptions<LimitsOptions> limits)
{
    private readonly int _maxPerCaller = limits.Value.MaxStreamsPerCaller;
    private readonly int _maxTotal = limits.Value.MaxStreams;
    private readonly int _operatorReserve = limits.Value.OperatorStreamReserve;
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Counts one stream until the lease is disposed; null with the reason if a cap is reached.</summary>
    public IDisposable? TryAcquire(string caller, bool isOperator, out string? refusal)
    {
        var cap = isOperator ? _maxTotal : _maxTotal - _operatorReserve;
        int open;
        do
        {
            open = Volatile.Read(ref _total);
            if (open >= cap)
            {
                refusal = isOperator || _operatorReserve == 0
                    ? $"server stream limit reached ({_maxTotal} open streams)"
                    : $"server stream limit for sandboxes reached ({cap} open streams; {_operatorReserve} more are kept for operators)";
                return null;
            }
        }
        while (Interlocked.CompareExchange(ref _total, open + 1, open) != open);

        if (_open.AddOrUpdate(caller, 1, (_, current) => current + 1) > _maxPerCaller)
        {
            Release(caller);
            refusal = $"at most {_maxPerCaller} concurrent streams per caller";
            return null;
        }

        refusal = null;
        return new Lease(this, caller);
    }

    private void Release(string caller)
    {
        // Remove emptied entries so callers that come and go do not grow the map without bound.
        if (_open.AddOrUpdate(caller, 0, (_, current) => current - 1) == 0)
        {
            _open.TryRemove(KeyValuePair.Create(caller, 0));
        }

        Interlocked.Decrement(ref _total);
    }

    private sealed class Lease(StreamLimiter owner, string caller) : IDisposable
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
