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

    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        var value = options.Value;
        if (!value.Enabled)
        {
            return;
        }

        // Refilled ten times a second so a caller at its sustained rate never sees a stall.
        var perTick = Math.Max(1, value.PermitsPerSecond / 10);
        _limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(
            caller,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = value.Burst,
                TokensPerPeriod = perTick,
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public bool TryAcquire(CallerIdentity caller)
    {
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(caller.ToString());
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter?.Dispose();
}
