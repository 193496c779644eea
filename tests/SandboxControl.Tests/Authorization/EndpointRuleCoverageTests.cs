using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SandboxControl.Server.Authorization;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.Tests.Authorization;

public sealed class EndpointRuleCoverageTests
{
    [Fact]
    public async Task Verify_MappedServiceWithoutRules_Refuses()
    {
        await using var app = BuildApp(endpoints => endpoints.MapGrpcService<UnruledService>());

        var ex = Assert.Throws<AccessRuleException>(() =>
            EndpointRuleCoverage.Verify(((IEndpointRouteBuilder)app).DataSources, AccessRuleTable.Build(SandboxControlReflection.Descriptor.Services)));

        Assert.Contains("/sandboxcontrol.testing.Unruled/Forgotten has no (sandboxcontrol.v1.access) rule", ex.Problems);
        Assert.Contains("/sandboxcontrol.testing.Unruled/Ruled has no (sandboxcontrol.v1.access) rule", ex.Problems);
    }

    [Fact]
    public async Task Verify_PlainHttpRoute_Refuses()
    {
        await using var app = BuildApp(endpoints => endpoints.MapGet("/debug", () => "hello"));

        var ex = Assert.Throws<AccessRuleException>(() =>
            EndpointRuleCoverage.Verify(((IEndpointRouteBuilder)app).DataSources, AccessRuleTable.Build(SandboxControlReflection.Descriptor.Services)));

        Assert.Single(ex.Problems);
        Assert.Contains("is not a gRPC method", ex.Problems[0], StringComparison.Ordinal);
    }

    private static WebApplication BuildApp(Action<IEndpointRouteBuilder> map)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddGrpc(options => options.IgnoreUnknownServices = true);
        var app = builder.Build();
        map(app);
        return app;
    }

    private sealed class UnruledService : Unruled.Unruled.UnruledBase;
}
