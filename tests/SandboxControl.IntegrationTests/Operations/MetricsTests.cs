using System.Net;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Operations;

/// <summary>The Prometheus endpoint needs a client certificate of a configured operator, like everything else.</summary>
public sealed class MetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Scrape_AsOperator_ShowsDecisionsByRpcAndStatus()
    {
        var id = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateSandboxAsync(id, "p");
        var sandboxCertificate = await Server.SandboxCertificateAsync(id);
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Server.Client(sandboxCertificate).ListSandboxesAsync(new ListSandboxesRequest()).ResponseAsync);
        using var http = GrpcClients.Http(Server.Address, Server.Pki.Ca.Certificate, Server.Pki.Operator(TestServer.ViewerName));

        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("sandboxcontrol_authorization_decisions_total{", text, StringComparison.Ordinal);
        Assert.Contains("rpc=\"ListSandboxes\"", text, StringComparison.Ordinal);
        Assert.Contains("status=\"PermissionDenied\"", text, StringComparison.Ordinal);
        Assert.Contains("kestrel_", text, StringComparison.Ordinal);
        Assert.Contains("sandboxcontrol_store_operation_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("operation=\"CreateSandbox\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sandbox")]
    [InlineData("unlisted")]
    public async Task Scrape_NotAConfiguredOperator_Forbidden(string who)
    {
        var id = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateSandboxAsync(id, "p");
        var certificate = who == "sandbox" ? await Server.SandboxCertificateAsync(id) : Server.Pki.Operator("unlisted");
        using var http = GrpcClients.Http(Server.Address, Server.Pki.Ca.Certificate, certificate);

        using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("sandboxcontrol_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
