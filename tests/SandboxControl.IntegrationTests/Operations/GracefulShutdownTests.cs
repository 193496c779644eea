using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.IntegrationTests.Security;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Operations;

/// <summary>SIGTERM: follow streams end cleanly, in-flight calls finish, the audit trail is complete, exit 0.</summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("shutdown");

    [Fact]
    public async Task Sigterm_FollowStreamEndsOk_InFlightCallsFinish_AuditComplete_ExitZero()
    {
        using var server = ServerProcess.Start(await TestServer.ArgumentsAsync(_pki, _data.Path), _data.Path);
        var address = await server.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        using var adminChannel = GrpcClients.Channel(address, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName));
        var admin = GrpcClients.Client(adminChannel);
        await admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "s1", PolicyDocument = "p" });
        using var issuerChannel = GrpcClients.Channel(address, _pki.Ca.Certificate, _pki.Operator(TestServer.IssuerName));
        using var sandboxCertificate = await ServerIssuedCertificates.IssueAsync(GrpcClients.Client(issuerChannel), "s1");
        using var sandboxChannel = GrpcClients.Channel(address, _pki.Ca.Certificate, sandboxCertificate);
        var sandbox = GrpcClients.Client(sandboxChannel);
        using (var push = sandbox.PushSandboxLogs())
        {
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = "s1", Lines = { SandboxIsolationTests.Line("hello") } });
            await push.RequestStream.CompleteAsync();
            await push;
        }

        using var follow = admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = "s1", Follow = true });
        Assert.True(await follow.ResponseStream.MoveNext(CancellationToken.None));
        var inFlight = Enumerable.Range(0, 50).Select(async _ =>
        {
            try
            {
                await sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "s1" });
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }).ToList();

        var clock = Stopwatch.StartNew();
        server.Terminate();

        using var streamDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.False(await follow.ResponseStream.MoveNext(streamDeadline.Token));
        Assert.Equal(StatusCode.OK, follow.GetStatus().StatusCode);
        var outcomes = await Task.WhenAll(inFlight);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"exit {clock.ElapsedMilliseconds} ms after SIGTERM; unary outcomes: {string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Key}={g.Count()}"))}");
        // A call either completed or was never accepted; none is cut off half-way.
        Assert.All(outcomes, status => Assert.True(status is StatusCode.OK or StatusCode.Unavailable, status.ToString()));
        var audit = await File.ReadAllLinesAsync(Path.Combine(_data.Path, "audit.log"));
        Assert.All(audit, line => JsonDocument.Parse(line).Dispose());
        Assert.Contains(audit, line => line.Contains("\"rpc\":\"GetSandboxLogs\"", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
