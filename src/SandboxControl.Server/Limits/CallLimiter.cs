using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Services;

namespace SandboxControl.Server.Limits;

/// <summary>
/// Counts the calls each caller has open, by kind, so one caller cannot hold calls without bound: unary calls whose
/// bodies arrive slowly (each may buffer up to Limits:MaxReceiveMessageBytes), push streams that never send, server
/// streams nobody reads. Server streams also count server-wide: each pins a read page and a response buffer for as
/// long as its reader lets it. The other kinds do not: short calls from many sandboxes must not use up the readers'
/// cap. Sandboxes together stop short of the server-wide cap by Limits:OperatorStreamReserve.
/// </summary>
internal sealed class CallLimiter(IOptions<LimitsOptions> limits)
{
    private readonly int _maxTotal = limits.Value.MaxStreams;
    private readonly int _operatorReserve = limits.Value.OperatorStreamReserve;
    private readonly Counts[] _byKind =
    [
        new(limits.Value.MaxUnaryCallsPerCaller, "calls"),
        new(limits.Value.MaxPushStreamsPerCaller, "log push streams"),
        new(limits.Value.MaxStreamsPerCaller, "streams"),
    ];

    private int _total;

    /// <summary>How many calls of this kind the caller has open now.</summary>
    public int Open(string caller, CallKind kind) => _byKind[(int)kind].Open.GetValueOrDefault(caller);

    /// <summary>Counts one call until the lease is disposed; null with the reason if a cap is reached.</summary>
    public IDisposable? TryAcquire(string caller, bool isOperator, CallKind kind, out string? refusal)
    {
        if (kind == CallKind.ServerStream && !TryCountServerWide(isOperator, out refusal))
        {
            return null;
        }

        var counts = _byKind[(int)kind];
        if (counts.Open.AddOrUpdate(caller, 1, (_, current) => current + 1) > counts.Max)
        {
            Release(caller, kind);
            refusal = $"at most {counts.Max} concurrent {counts.What} per caller";
            return null;
        }

        refusal = null;
        return new Lease(this, caller, kind);
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

    private void Release(string caller, CallKind kind)
    {
        // Remove emptied entries so callers that come and go do not grow the map without bound.
        var open = _byKind[(int)kind].Open;
        if (open.AddOrUpdate(caller, 0, (_, current) => current - 1) == 0)
        {
            open.TryRemove(KeyValuePair.Create(caller, 0));
        }

        if (kind == CallKind.ServerStream)
        {
            Interlocked.Decrement(ref _total);
        }
    }

    // One kind's cap, the word its refusal uses, and each caller's open count.
    private sealed class Counts(int max, string what)
    {
        public int Max { get; } = max;

        public string What { get; } = what;

        public ConcurrentDictionary<string, int> Open { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Lease(CallLimiter owner, string caller, CallKind kind) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(caller, kind);
            }
        }
    }
}
