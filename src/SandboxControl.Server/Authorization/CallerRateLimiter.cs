using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Identity;

namespace SandboxControl.Server.Authorization;

/// <summary>
/// A token bucket per caller identity, applied in the interceptor so the refusal is a gRPC
/// ResourceExhausted (ASP.NET Core's middleware would answer HTTP 429/503, which clients see as
/// Unavailable). One flooding sandbox exhausts only its own bucket.
/// </summary>
internal sealed class CallerRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly PartitionedRateLimiter<string>? _logLines;
    private readonly int _logLinesBurst;

    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        var value = options.Value;
        if (!value.Enabled)
        {
            return;
        }

        _limiter = CreateBuckets(value.PermitsPerSecond, value.Burst);
        _logLines = CreateBuckets(value.LogLinesPerSecond, value.LogLinesBurst);
        _logLinesBurst = value.LogLinesBurst;
    }

    /// <summary>Charges one PushSandboxLogs message by its lines (a message larger than the burst costs the whole burst).</summary>
    public bool TryAcquireLogLines(CallerIdentity caller, int lines)
    {
        if (_logLines is null)
        {
            return true;
        }

        using var lease = _logLines.AttemptAcquire(caller.ToString(), Math.Min(lines, _logLinesBurst));
        return lease.IsAcquired;
    }

    // Refilled ten times a second so a caller at its sustained rate never sees a stall.
    private static PartitionedRateLimiter<string> CreateBuckets(int perSecond, int burst) =>
        PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(
            caller,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = Math.Max(1, perSecond / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    public bool TryAcquire(CallerIdentity caller)
    {
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(caller.ToString());
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _limiter?.Dispose();
        _logLines?.Dispose();
    }
}
