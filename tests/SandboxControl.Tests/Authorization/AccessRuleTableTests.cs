using SandboxControl.Server.Authorization;
using SandboxControl.Tests.Unruled;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.Tests.Authorization;

public sealed class AccessRuleTableTests
{
    [Fact]
    public void Build_ServiceWithMissingRule_RefusesNamingEveryBadMethod()
    {
        var ex = Assert.Throws<AccessRuleException>(() => AccessRuleTable.Build(UnruledReflection.Descriptor.Services));

        Assert.Contains("/sandboxcontrol.testing.Unruled/Forgotten has no (sandboxcontrol.v1.access) rule", ex.Problems);
        Assert.Contains("/sandboxcontrol.testing.Unruled/HalfRuled must set both sandbox and operator access", ex.Problems);
        Assert.Contains("/sandboxcontrol.testing.Unruled/SelfWithoutTarget allows sandbox SELF but its request has no sandbox_id", ex.Problems);
        Assert.Contains("/sandboxcontrol.testing.Unruled/AnyWithTarget allows sandbox ANY but its request names a sandbox (sandbox_id)", ex.Problems);
        Assert.Equal(4, ex.Problems.Count);
    }

    [Fact]
    public void Build_ProductProto_EveryMethodHasRule()
    {
        var table = AccessRuleTable.Build(SandboxControlReflection.Descriptor.Services);

        var service = SandboxControlReflection.Descriptor.Services.Single();
        Assert.Equal(service.Methods.Count, table.Methods.Count());
        foreach (var method in service.Methods)
        {
            Assert.NotNull(table.Find("/sandboxcontrol.v1.SandboxControl/" + method.Name));
        }
    }

    [Theory]
    [InlineData("GetSandboxProviderEnvironment", SandboxAccess.Types.Level.Self, OperatorAccess.Types.Level.None)]
    [InlineData("ListSandboxes", SandboxAccess.Types.Level.None, OperatorAccess.Types.Level.Viewer)]
    [InlineData("UpdateSandboxPolicy", SandboxAccess.Types.Level.None, OperatorAccess.Types.Level.Admin)]
    [InlineData("PushSandboxLogs", SandboxAccess.Types.Level.Self, OperatorAccess.Types.Level.None)]
    public void Build_ProductProto_RulesMatchDesignTable(string rpc, SandboxAccess.Types.Level sandbox, OperatorAccess.Types.Level @operator)
    {
        var access = AccessRuleTable.Build(SandboxControlReflection.Descriptor.Services).Find("/sandboxcontrol.v1.SandboxControl/" + rpc);

        Assert.NotNull(access);
        Assert.Equal(sandbox, access.Sandbox);
        Assert.Equal(@operator, access.Operator);
    }

    [Fact]
    public void ReadTarget_AnyRequestWithSandboxId_ReadsThroughDescriptor()
    {
        var table = AccessRuleTable.Build(SandboxControlReflection.Descriptor.Services);

        var access = table.Find("/sandboxcontrol.v1.SandboxControl/PushSandboxLogs")!;

        Assert.Equal("b", access.ReadTarget(new PushSandboxLogsRequest { SandboxId = "b" }));
        Assert.False(table.Find("/sandboxcontrol.v1.SandboxControl/ListSandboxes")!.HasTarget);
    }
}
