using Grpc.Core;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Authorization;
using SandboxControl.Server.Identity;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.Tests.Authorization;

public sealed class AccessPolicyTests
{
    private static readonly AccessRuleTable Table = AccessRuleTable.Build(SandboxControlReflection.Descriptor.Services);
    private static readonly CallerIdentity SandboxA = new(CallerKind.Sandbox, "a", "01", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue);

    private static AccessPolicy Policy()
    {
        var options = new AuthorizationOptions();
        options.Operators["viewer"] = "Viewer";
        options.Operators["admin"] = "Admin";
        return new AccessPolicy(new OperatorRoles(Options.Create(options)));
    }

    private static MethodAccess Rpc(string name) => Table.Find("/sandboxcontrol.v1.SandboxControl/" + name)!;

    private static CallerIdentity Operator(string name) => new(CallerKind.Operator, name, "02", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue);

    [Fact]
    public void DecideTarget_SandboxOnOtherSandbox_PermissionDenied()
    {
        var decision = AccessPolicy.DecideTarget(SandboxA, "b");

        Assert.False(decision.Allowed);
        Assert.Equal(StatusCode.PermissionDenied, decision.Code);
    }

    [Fact]
    public void DecideTarget_SandboxOnItself_Allowed() => Assert.True(AccessPolicy.DecideTarget(SandboxA, "a").Allowed);

    [Theory]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("a\nb")]
    [InlineData("-a")]
    public void DecideTarget_MalformedId_InvalidArgument(string target) =>
        Assert.Equal(StatusCode.InvalidArgument, AccessPolicy.DecideTarget(SandboxA, target).Code);

    [Fact]
    public void DecideMethod_SandboxOnOperatorRpc_PermissionDenied() =>
        Assert.Equal(StatusCode.PermissionDenied, Policy().DecideMethod(SandboxA, Rpc("ListSandboxes")).Code);

    [Fact]
    public void DecideMethod_ViewerOnAdminRpc_PermissionDenied()
    {
        var policy = Policy();

        Assert.True(policy.DecideMethod(Operator("viewer"), Rpc("ListSandboxes")).Allowed);
        Assert.Equal(StatusCode.PermissionDenied, policy.DecideMethod(Operator("viewer"), Rpc("UpdateSandboxPolicy")).Code);
        Assert.True(policy.DecideMethod(Operator("admin"), Rpc("UpdateSandboxPolicy")).Allowed);
    }

    [Fact]
    public void DecideMethod_AdminReadingCredentials_PermissionDenied() =>
        Assert.Equal(StatusCode.PermissionDenied, Policy().DecideMethod(Operator("admin"), Rpc("GetSandboxProviderEnvironment")).Code);

    [Fact]
    public void DecideMethod_UnlistedOperator_PermissionDenied() =>
        Assert.Equal(StatusCode.PermissionDenied, Policy().DecideMethod(Operator("mallory"), Rpc("ListSandboxes")).Code);
}
