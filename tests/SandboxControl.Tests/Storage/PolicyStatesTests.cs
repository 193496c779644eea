using SandboxControl.Server.Storage;
using Xunit;

namespace SandboxControl.Tests.Storage;

public sealed class PolicyStatesTests
{
    [Theory]
    [InlineData(3, 3, 0, 1, (int)PolicyState.Pending)]
    [InlineData(3, 3, (int)PolicyState.Loaded, 3, (int)PolicyState.Loaded)]
    [InlineData(3, 3, (int)PolicyState.Failed, 1, (int)PolicyState.Failed)]
    [InlineData(1, 3, (int)PolicyState.Loaded, 1, (int)PolicyState.Loaded)]
    [InlineData(1, 3, (int)PolicyState.Loaded, 3, (int)PolicyState.Superseded)]
    [InlineData(1, 3, (int)PolicyState.Loaded, 2, (int)PolicyState.Superseded)]
    [InlineData(2, 3, (int)PolicyState.Failed, 1, (int)PolicyState.Failed)]
    [InlineData(2, 3, (int)PolicyState.Failed, 3, (int)PolicyState.Failed)]
    [InlineData(2, 3, 0, 1, (int)PolicyState.Superseded)]
    [InlineData(2, 3, 0, 0, (int)PolicyState.Superseded)]
    public void Effective_VersionReportAndActive_ExpectedState(long version, long current, int reported, long active, int expected)
    {
        // reported 0 = no report; enums are internal, so the theory data carries their values.
        PolicyState? report = reported == 0 ? null : (PolicyState)reported;

        Assert.Equal((PolicyState)expected, PolicyStates.Effective(version, current, report, active));
    }
}
