using Microsoft.Extensions.Options;
using SandboxControl.Server.Limits;
using SandboxControl.Server.Services;
using Xunit;

namespace SandboxControl.Tests.Limits;

public sealed class CallLimiterTests
{
    private static CallLimiter Limiter(int perCaller, int total, int operatorReserve = 0, int pushesPerCaller = 64, int unaryPerCaller = 64) =>
        new(Options.Create(new LimitsOptions
        {
            MaxStreamsPerCaller = perCaller,
            MaxStreams = total,
            OperatorStreamReserve = operatorReserve,
            MaxPushStreamsPerCaller = pushesPerCaller,
            MaxUnaryCallsPerCaller = unaryPerCaller,
        }));

    [Fact]
    public void TryAcquire_OverPerCallerCap_RefusedOtherCallerServed()
    {
        var limiter = Limiter(2, 10);
        using var first = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out _);
        using var second = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out _);

        var third = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out var refusal);
        using var other = limiter.TryAcquire("sandbox/b", false, CallKind.ServerStream, out _);

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
        var first = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out _);
        using var second = limiter.TryAcquire("sandbox/b", false, CallKind.ServerStream, out _);

        Assert.Null(limiter.TryAcquire("sandbox/c", false, CallKind.ServerStream, out var refusal));
        Assert.Equal("server stream limit reached (2 open streams)", refusal);
        first!.Dispose();
        first.Dispose();
        using var again = limiter.TryAcquire("sandbox/c", false, CallKind.ServerStream, out _);
        Assert.NotNull(again);
        // Disposing a lease twice released it once: the cap still holds.
        Assert.Null(limiter.TryAcquire("sandbox/d", false, CallKind.ServerStream, out _));
    }

    [Fact]
    public void TryAcquire_RefusedByServerCap_DoesNotCountAgainstCaller()
    {
        var limiter = Limiter(1, 1);
        var held = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out _);
        Assert.Null(limiter.TryAcquire("sandbox/b", false, CallKind.ServerStream, out _));
        held!.Dispose();

        using var b = limiter.TryAcquire("sandbox/b", false, CallKind.ServerStream, out var refusal);

        Assert.NotNull(b);
        Assert.Null(refusal);
    }

    [Fact]
    public void TryAcquire_SandboxesAtReserve_RefusedWhileOperatorsUseTheRest()
    {
        var limiter = Limiter(5, 4, operatorReserve: 2);
        using var a = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out _);
        using var b = limiter.TryAcquire("sandbox/b", false, CallKind.ServerStream, out _);

        var c = limiter.TryAcquire("sandbox/c", false, CallKind.ServerStream, out var sandboxRefusal);
        using var first = limiter.TryAcquire("operator/alice", true, CallKind.ServerStream, out _);
        using var second = limiter.TryAcquire("operator/bob", true, CallKind.ServerStream, out _);
        var third = limiter.TryAcquire("operator/carol", true, CallKind.ServerStream, out var operatorRefusal);

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Null(c);
        Assert.Equal("server stream limit for sandboxes reached (2 open streams; 2 more are kept for operators)", sandboxRefusal);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.Equal("server stream limit reached (4 open streams)", operatorRefusal);
    }

    [Fact]
    public void TryAcquire_OperatorsHoldingTheReserve_SandboxesStillGetTheirShare()
    {
        // Operators may use the whole server; a sandbox is refused by the total, not by operators' count alone.
        var limiter = Limiter(5, 4, operatorReserve: 2);
        using var first = limiter.TryAcquire("operator/alice", true, CallKind.ServerStream, out _);
        using var second = limiter.TryAcquire("operator/alice", true, CallKind.ServerStream, out _);

        var sandbox = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out var refusal);

        Assert.Null(sandbox);
        Assert.Equal("server stream limit for sandboxes reached (2 open streams; 2 more are kept for operators)", refusal);
        first!.Dispose();
        using var again = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out _);
        Assert.NotNull(again);
    }

    [Fact]
    public void TryAcquire_ManyThreads_NeverMoreThanTheCaps()
    {
        var limiter = Limiter(1000, 50, operatorReserve: 10);
        var leases = new System.Collections.Concurrent.ConcurrentBag<IDisposable>();
        Parallel.For(0, 400, i =>
        {
            if (limiter.TryAcquire($"sandbox/{i % 40}", false, CallKind.ServerStream, out _) is { } lease)
            {
                leases.Add(lease);
            }
        });
        var sandboxes = leases.Count;
        Parallel.For(0, 100, i =>
        {
            if (limiter.TryAcquire($"operator/{i % 5}", true, CallKind.ServerStream, out _) is { } lease)
            {
                leases.Add(lease);
            }
        });

        Assert.Equal(40, sandboxes);
        Assert.Equal(50, leases.Count);
    }

    [Fact]
    public void TryAcquire_PushStreams_OwnPerCallerCapNotServerWide()
    {
        var limiter = Limiter(1, 1, pushesPerCaller: 2);
        using var read = limiter.TryAcquire("sandbox/a", false, CallKind.ServerStream, out _);

        using var firstPush = limiter.TryAcquire("sandbox/a", false, CallKind.PushStream, out _);
        var secondPush = limiter.TryAcquire("sandbox/a", false, CallKind.PushStream, out _);
        var thirdPush = limiter.TryAcquire("sandbox/a", false, CallKind.PushStream, out var refusal);
        using var otherCallersPush = limiter.TryAcquire("sandbox/b", false, CallKind.PushStream, out _);

        Assert.NotNull(read);
        Assert.NotNull(firstPush);
        Assert.NotNull(secondPush);
        Assert.Null(thirdPush);
        Assert.Equal("at most 2 concurrent log push streams per caller", refusal);
        Assert.NotNull(otherCallersPush);
        secondPush!.Dispose();
        // Releasing a push left the server-wide count alone: the server stream cap (1) still holds.
        Assert.Null(limiter.TryAcquire("sandbox/c", false, CallKind.ServerStream, out _));
        using var again = limiter.TryAcquire("sandbox/a", false, CallKind.PushStream, out _);
        Assert.NotNull(again);
    }

    [Fact]
    public void TryAcquire_UnaryCalls_OwnPerCallerCapNoServerWideCount()
    {
        var limiter = Limiter(1, 1, unaryPerCaller: 2);
        using var read = limiter.TryAcquire("operator/alice", true, CallKind.ServerStream, out _);

        var first = limiter.TryAcquire("operator/alice", true, CallKind.Unary, out _);
        using var second = limiter.TryAcquire("operator/alice", true, CallKind.Unary, out _);
        var third = limiter.TryAcquire("operator/alice", true, CallKind.Unary, out var refusal);
        using var otherCaller = limiter.TryAcquire("sandbox/a", false, CallKind.Unary, out _);

        Assert.NotNull(read);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.Equal("at most 2 concurrent calls per caller", refusal);
        Assert.NotNull(otherCaller);
        first!.Dispose();
        using var again = limiter.TryAcquire("operator/alice", true, CallKind.Unary, out _);
        Assert.NotNull(again);
    }
}
