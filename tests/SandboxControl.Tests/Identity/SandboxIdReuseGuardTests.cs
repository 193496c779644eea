using SandboxControl.Server.Identity;
using SandboxControl.Tests.Storage;
using Xunit;

namespace SandboxControl.Tests.Identity;

public sealed class SandboxIdReuseGuardTests
{
    private static readonly DateTimeOffset Second = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MayCreate_SameSecondAsDelete_False()
    {
        var time = new ManualTimeProvider(Second.AddMilliseconds(100));
        var guard = new SandboxIdReuseGuard(time);
        guard.RecordDeleted("a");

        time.Now = Second.AddMilliseconds(999);

        Assert.False(guard.MayCreate("a"));
        Assert.True(guard.MayCreate("b"));
    }

    [Fact]
    public void MayCreate_NextSecond_True()
    {
        var time = new ManualTimeProvider(Second.AddMilliseconds(999));
        var guard = new SandboxIdReuseGuard(time);
        guard.RecordDeleted("a");

        time.Now = Second.AddSeconds(1);

        Assert.True(guard.MayCreate("a"));
    }
}
