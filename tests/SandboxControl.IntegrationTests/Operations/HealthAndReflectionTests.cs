using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Operations;

/// <summary>Standard health checking and reflection work for any valid identity, and only behind mTLS.</summary>
public sealed class HealthAndReflectionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task HealthCheck_AsSandboxAndViewer_Serving()
    {
        var id = "health-probe-" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateSandboxAsync(id, "p");

        var asSandbox = await new Health.HealthClient(Server.Channel(await Server.SandboxCertificateAsync(id))).CheckAsync(new HealthCheckRequest());
        var asViewer = await new Health.HealthClient(Server.Channel(Server.Pki.Operator(TestServer.ViewerName))).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, asSandbox.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, asViewer.Status);
    }

    [Fact]
    public async Task HealthCheck_UnlistedOperator_PermissionDenied()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            new Health.HealthClient(Server.Channel(Server.Pki.Operator("stranger"))).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    [Fact]
    public async Task HealthCheck_NoClientCertificate_RefusedAtTls()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(Server.Channel(null)).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, ex.Status.ToString());
    }

    [Fact]
    public async Task Reflection_ListServices_ShowsControlPlaneAndHealth()
    {
        var client = new ServerReflection.ServerReflectionClient(Server.Channel(Server.Pki.Operator(TestServer.ViewerName)));
        using var call = client.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("sandboxcontrol.v1.SandboxControl", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
