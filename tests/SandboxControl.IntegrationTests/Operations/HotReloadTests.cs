using System.Diagnostics;
using System.Net;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Operations;

/// <summary>Certificates, CA bundle and operator roles change on disk; the running server follows without dropping connections.</summary>
public sealed class HotReloadTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("reload");
    private TestServer _server = null!;

    private string ConfigFile => _data.Combine("operators.json");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(ConfigFile, """{ "Authorization": { "Operators": { "rotator": "Admin" } } }""");
        _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
        {
            ["Tls:ReloadInterval"] = "00:00:00.100",
            ["ConfigFile"] = ConfigFile,
            // The CA-rotation test presents sandbox certificates signed offline by the old and the new CA.
            ["Identity:AcceptExternalCertificates"] = "true",
        });
    }

    [Fact]
    public async Task ServerCertificateRotated_NewConnectionsSeeIt_OpenConnectionKeepsWorking()
    {
        string? oldSeen = null;
        using var oldChannel = GrpcClients.Channel(_server.Address, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName), c => oldSeen = c.Thumbprint);
        var oldClient = GrpcClients.Client(oldChannel);
        await oldClient.ListSandboxesAsync(new ListSandboxesRequest());
        Assert.Equal(_pki.Server.Thumbprint, oldSeen);

        using var rotated = _pki.Ca.IssueServerCertificate(["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
        PemFiles.WritePrivateKey(_pki.ServerKeyPath, rotated);
        PemFiles.WriteCertificate(_pki.ServerCertificatePath, rotated);
        var clock = Stopwatch.StartNew();
        string? newSeen = null;
        while (newSeen != rotated.Thumbprint && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            using var probe = GrpcClients.Channel(_server.Address, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName), c => newSeen = c.Thumbprint);
            await GrpcClients.Client(probe).ListSandboxesAsync(new ListSandboxesRequest());
        }

        output.WriteLine($"new handshakes used the rotated certificate {clock.ElapsedMilliseconds} ms after the files changed");
        Assert.Equal(rotated.Thumbprint, newSeen);
        // The connection opened before the rotation is still up and still on the old certificate.
        oldSeen = null;
        await oldClient.ListSandboxesAsync(new ListSandboxesRequest());
        Assert.Null(oldSeen);
    }

    [Fact]
    public async Task CaBundleRotated_NewCaTrustedDuringOverlap_OldCaDroppedAfterwards()
    {
        using var newCa = CertificateAuthority.CreateRoot("rotated CA", TimeSpan.FromDays(2));
        await _server.CreateSandboxAsync("ca-rotation", "p");
        var underNewCa = newCa.IssueSandboxCertificate(TestPki.TrustDomain, "ca-rotation");
        var underOldCa = _pki.Sandbox("ca-rotation");
        var request = new GetSandboxPolicyRequest { SandboxId = "ca-rotation" };
        var refused = await Assert.ThrowsAsync<RpcException>(() => _server.Client(underNewCa).GetSandboxPolicyAsync(request).ResponseAsync);
        Assert.True(refused.StatusCode is StatusCode.Unavailable or StatusCode.Internal);

        PemFiles.WriteCertificates(_pki.CaPath, [_pki.Ca.Certificate, newCa.Certificate]);
        await EventuallyAsync(async () => (await _server.Client(underNewCa).GetSandboxPolicyAsync(request)).Document == "p");
        Assert.Equal("p", (await _server.Client(underOldCa).GetSandboxPolicyAsync(request)).Document);

        PemFiles.WriteCertificates(_pki.CaPath, [newCa.Certificate]);
        await EventuallyAsync(async () =>
        {
            try
            {
                await _server.Client(_pki.Sandbox("ca-rotation")).GetSandboxPolicyAsync(request);
                return false;
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal)
            {
                return true;
            }
        });
        Assert.Equal("p", (await _server.Client(underNewCa).GetSandboxPolicyAsync(request)).Document);
    }

    [Fact]
    public async Task OperatorRolesFileChanged_AppliesToOpenConnections()
    {
        var rotator = _server.Client(_pki.Operator("rotator"));
        var newcomer = _server.Client(_pki.Operator("newcomer"));
        await rotator.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "roles", PolicyDocument = "v1" });
        var denied = await Assert.ThrowsAsync<RpcException>(() => newcomer.ListSandboxesAsync(new ListSandboxesRequest()).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);

        await File.WriteAllTextAsync(ConfigFile, """{ "Authorization": { "Operators": { "rotator": "Viewer", "newcomer": "Viewer" } } }""");

        await EventuallyAsync(async () => (await newcomer.ListSandboxesAsync(new ListSandboxesRequest())).Sandboxes.Count > 0);
        var demoted = await Assert.ThrowsAsync<RpcException>(() =>
            rotator.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = "roles", ExpectedVersion = 1, Document = "v2" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, demoted.StatusCode);

        // A broken file is refused; the last good map stays.
        await File.WriteAllTextAsync(ConfigFile, """{ "Authorization": { "Operators": { "newcomer": "Superuser" } } }""");
        await Task.Delay(500);
        Assert.NotEmpty((await newcomer.ListSandboxesAsync(new ListSandboxesRequest())).Sandboxes);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (RpcException)
            {
                // Not yet.
            }

            await Task.Delay(50);
        }

        Assert.Fail("condition not reached within 10 s");
    }
}
