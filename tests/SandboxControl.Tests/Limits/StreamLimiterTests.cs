using Microsoft.Extensions.Options;
using SandboxControl.Server.Limits;
using SandboxControl.Server.Services;
using Xunit;

namespace SandboxControl.Tests.Limits;

public sealed class StreamLimiterTests
{
    private static StreamLimiter Limiter(int perCaller, int total) =>
        new(Options.Create(new LimitsOptions { MaxStreamsPerCaller = perCaller, MaxStreams = total }));

    [Fact]
    public void TryAcquire_OverPerCallerCap_RefusedOtherCallerServed()
    {
        var limiter = Limiter(2, 10);
        using var first = limiter.TryAcquire("sandbox/a", out _);
        using var second = limiter.TryAcquire("sandbox/a", out _);

        var third = limiter.TryAcquire("sandbox/a", out var refusal);
        using var other = limiter.TryAcquire("sandbox/b", out _);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.Equal("at most 2 concurrent streams per caller", refusal);
        Assert.NotNull(other);
    }

    [Fact]
    public void TryAcquire_OverServerCap_RefusedUntilOneIsReleased()
    {
        var limiter = Limiter(5, 2);
        var first = limiter.TryAcquire("sandbox/a", out _);
        using var second = limiter.TryAcquire("sandbox/b", out _);

        Assert.Null(limiter.TryAcquire("sandbox/c", out var refusal));
        Assert.Equal("server stream limit reached (2 open streams)", refusal);
        first!.Dispose();
        first.Dispose();
        using var again = limiter.TryAcquire("sandbox/c", out _);
        Assert.NotNull(again);
        // Disposing a lease twice released it once: the cap still holds.
        Assert.Null(limiter.TryAcquire("sandbox/d", out _));
    }

    [Fact]
    public void TryAcquire_RefusedByServerCap_DoesNotCountAgainstCaller()
    {
        var limiter = Limiter(1, 1);
        var held = limiter.TryAcquire("sandbox/a", out _);
        Assert.Null(limiter.TryAcquire("sandbox/b", out _));
        held!.Dispose();

        using var b = limiter.TryAcquire("sandbox/b", out var refusal);

        Assert.NotNull(b);
        Assert.Null(refusal);
    }
}
