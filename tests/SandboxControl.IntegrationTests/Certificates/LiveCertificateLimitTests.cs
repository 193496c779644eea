using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Certificates;

/// <summary>
/// A sandbox renewing in a loop stops at Issuance:MaxLiveCertificatesPerSandbox live certificates (ResourceExhausted,
/// audited, nothing recorded) while other sandboxes renew as usual.
/// </summary>
public sealed class LiveCertificateLimitTests : IAsyncLifetime, IDisposable
{
    private const int Limit = 3;
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("livecerts");
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
    {
        ["Issuance:MaxLiveCertificatesPerSandbox"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task RenewInLoop_AtLimit_ResourceExhaustedAndOtherSandboxStillRenews()
    {
        var id = await _server.CreateUniqueSandboxAsync("looper", "p");
        var issued = await _server.SandboxCertificateAsync(id);
        var asLooper = _server.Client(issued);
        var renewed = new List<string>();
        RpcException? refusal = null;
        while (refusal is null && renewed.Count < 10)
        {
            try
            {
                renewed.Add((await ServerIssuedCertificates.RenewAsync(asLooper, id)).SerialNumber);
            }
            catch (RpcException ex)
            {
                refusal = ex;
            }
        }

        Assert.NotNull(refusal);
        Assert.Equal(StatusCode.ResourceExhausted, refusal.StatusCode);
        Assert.Equal($"sandbox '{id}' already has {Limit} unexpired certificates; revoke some or wait for them to expire", refusal.Status.Detail);
        // The issued certificate is the first of the three.
        Assert.Equal(Limit - 1, renewed.Count);
        var listed = await _server.Admin.ListSandboxCertificatesAsync(new ListSandboxCertificatesRequest { SandboxId = id });
        Assert.Equal([issued.SerialNumber, .. renewed], listed.Certificates.Select(c => c.SerialNumber));
        Assert.Contains(_server.AuditEvents(), e => e.GetProperty("rpc").GetString()!.EndsWith("RenewSandboxCertificate", StringComparison.Ordinal)
            && !e.GetProperty("allowed").GetBoolean() && e.GetProperty("status").GetString() == "ResourceExhausted"
            && e.GetProperty("target").GetString() == id && e.GetProperty("certificateSerial").GetString() == issued.SerialNumber
            && !e.TryGetProperty("issuedSerial", out _));

        var neighbour = await _server.CreateUniqueSandboxAsync("neighbour", "q");
        var neighbourRenewed = await ServerIssuedCertificates.RenewAsync(_server.Client(await _server.SandboxCertificateAsync(neighbour)), neighbour);
        Assert.Equal("q", (await _server.Client(neighbourRenewed).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = neighbour })).Document);
    }

    [Fact]
    public async Task Issue_AtLimit_ResourceExhaustedUntilOneRevoked()
    {
        var id = await _server.CreateUniqueSandboxAsync("issued", "p");
        var certificates = new List<string>();
        for (var i = 0; i < Limit; i++)
        {
            certificates.Add((await _server.SandboxCertificateAsync(id)).SerialNumber);
        }

        var refusal = await Assert.ThrowsAsync<RpcException>(() => _server.SandboxCertificateAsync(id));

        Assert.Equal(StatusCode.ResourceExhausted, refusal.StatusCode);
        Assert.Contains(_server.AuditEvents(), e => e.GetProperty("rpc").GetString()!.EndsWith("IssueSandboxCertificate", StringComparison.Ordinal)
            && e.GetProperty("status").GetString() == "ResourceExhausted" && e.GetProperty("target").GetString() == id);
        Assert.Equal(Limit, (await _server.Admin.ListSandboxCertificatesAsync(new ListSandboxCertificatesRequest { SandboxId = id })).Certificates.Count);
        await _server.Admin.RevokeSandboxCertificateAsync(new RevokeSandboxCertificateRequest { SerialNumber = certificates[0] });
        var afterRevocation = await _server.SandboxCertificateAsync(id);
        var listed = await _server.Admin.ListSandboxCertificatesAsync(new ListSandboxCertificatesRequest { SandboxId = id });
        Assert.Equal([.. certificates, afterRevocation.SerialNumber], listed.Certificates.Select(c => c.SerialNumber));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
