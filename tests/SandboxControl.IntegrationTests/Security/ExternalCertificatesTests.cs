using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>
/// Identity:AcceptExternalCertificates: certificates the server never recorded are accepted (creation-time rule),
/// recorded ones keep the allow-list checks, and the store refuses to re-create an id too soon after its deletion.
/// </summary>
public sealed class ExternalCertificatesTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("external");
    private TestServer? _server;

    private TestServer Server => _server!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string> { ["Identity:AcceptExternalCertificates"] = "true" });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task OfflineCertificate_ExternalModeOn_Accepted()
    {
        var id = await Server.CreateUniqueSandboxAsync("external", "p");

        var offline = Server.Client(_pki.Ca.IssueSandboxCertificate(TestPki.TrustDomain, id));

        Assert.Equal("p", (await offline.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
    }

    [Fact]
    public async Task RecordedCertificateRevoked_ExternalModeOn_StillRefused()
    {
        var id = await Server.CreateUniqueSandboxAsync("external", "p");
        var issued = await Server.SandboxCertificateAsync(id);
        await Server.Admin.RevokeSandboxCertificateAsync(new RevokeSandboxCertificateRequest { SerialNumber = issued.SerialNumber });

        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Client(issued).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("certificate is revoked", Server.LastDenialReason(issued.SerialNumber));
    }

    [Fact]
    public async Task RecreateRightAfterDelete_ExternalModeOn_UnavailableAndNothingCreated()
    {
        var id = await Server.CreateUniqueSandboxAsync("external", "p");
        await Server.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });

        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "new" }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        var get = await Assert.ThrowsAsync<RpcException>(() => Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, get.StatusCode);
    }
}
