using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Services;

namespace SandboxControl.Server.Limits;

/// <summary>
/// Counts open streams per caller, so one caller cannot hold streams without bound: server streams (log reads, follow
/// or not, health Watch, reflection) against Limits:MaxStreamsPerCaller, push streams (even ones that never send)
/// against Limits:MaxPushStreamsPerCaller. Server streams also count server-wide: each pins a read page and a response
/// buffer for as long as its reader lets it. Push streams do not: what they hold is bounded by the per-sandbox log
/// queue, and short-lived pushes from many sandboxes must not use up the readers' cap. Sandboxes together stop short
/// of the server-wide cap by Limits:OperatorStreamReserve.
/// </summary>
internal sealed class StreamLimiter(IOptions<LimitsOptions> limits)
{
    private readonly int _maxPerCaller = limits.Value.MaxStreamsPerCaller;
    private readonly int _maxPushesPerCaller = limits.Value.MaxPushStreamsPerCaller;
    private readonly int _maxTotal = limits.Value.MaxStreams;
    private readonly int _operatorReserve = limits.Value.OperatorStreamReserve;
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _pushes = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>
    /// Counts one stream until the lease is disposed: a server stream per caller and server-wide, a push stream (not
    /// <paramref name="serverStream"/>) per caller; null with the reason if a cap is reached.
    /// </summary>
    public IDisposable? TryAcquire(string caller, bool isOperator, bool serverStream, out string? refusal)
    {
        if (serverStream && !TryCountServerWide(isOperator, out refusal))
        {
            return null;
        }

        var (open, max, what) = serverStream ? (_open, _maxPerCaller, "streams") : (_pushes, _maxPushesPerCaller, "log push streams");
        if (open.AddOrUpdate(caller, 1, (_, current) => current + 1) > max)
        {
            Release(caller, serverStream);
            refusal = $"at most {max} concurrent {what} per caller";
            return null;
        }

        refusal = null;
        return new Lease(this, caller, serverStream);
    }

    // A compare-exchange loop, so a refused attempt never counts (an operator is not refused by a sandbox's overshoot).
    private bool TryCountServerWide(bool isOperator, out string? refusal)
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
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _total, open + 1, open) != open);

        refusal = null;
        return true;
    }

    private void Release(string caller, bool serverStream)
    {
        // Remove emptied entries so callers that come and go do not grow the map without bound.
        var open = serverStream ? _open : _pushes;
        if (open.AddOrUpdate(caller, 0, (_, current) => current - 1) == 0)
        {
            open.TryRemove(KeyValuePair.Create(caller, 0));
        }

        if (serverStream)
        {
            Interlocked.Decrement(ref _total);
        }
    }

    private sealed class Lease(StreamLimiter owner, string caller, bool serverStream) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(caller, serverStream);
            }
        }
    }
}
