extern alias server;

using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Certificates;

public sealed class RevocationTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task DenyListedSerial_OpenPushStreamRefusedOnNextMessage()
    {
        var id = "revoked-stream-" + Guid.NewGuid().ToString("N")[..8];
        await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "p" });
        var certificate = await Server.SandboxCertificateAsync(id);
        using var push = Server.Client(certificate).PushSandboxLogs();
        await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { Security.SandboxIsolationTests.Line("before") } });
        await File.AppendAllTextAsync(Server.DenyListPath, certificate.SerialNumber + "\n");
        await Server.WaitUntilDeniedAsync(certificate.SerialNumber);

        try
        {
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { Security.SandboxIsolationTests.Line("after-revocation") } });
            await push.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server may end the call first; the status is on the response.
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => push.ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        var lines = await Security.SandboxIsolationTests.ReadAllAsync(Server.Admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.DoesNotContain(lines, line => line.Message == "after-revocation");
    }

    [Fact]
    public async Task DenyListedSerial_UnauthenticatedOnOpenConnectionWithinOneSecond()
    {
        var id = "revoked-" + Guid.NewGuid().ToString("N")[..8];
        await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "p" });
        var certificate = await Server.SandboxCertificateAsync(id);
        var bystander = await Server.CreateSandboxAsync("bystander-" + id[8..], "q");
        var client = Server.Client(certificate);
        var request = new GetSandboxPolicyRequest { SandboxId = id };
        Assert.Equal("p", (await client.GetSandboxPolicyAsync(request)).Document);

        await File.AppendAllTextAsync(Server.DenyListPath, certificate.SerialNumber + "\n");
        var clock = Stopwatch.StartNew();
        RpcException? refused = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(5) && refused is null)
        {
            try
            {
                await client.GetSandboxPolicyAsync(request);
                await Task.Delay(20);
            }
            catch (RpcException ex)
            {
                refused = ex;
            }
        }

        output.WriteLine("revocation took effect after {0} ms", clock.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture));
        Assert.NotNull(refused);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("certificate serial is on the deny list", Server.LastDenialReason(certificate.SerialNumber));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.ElapsedMilliseconds} ms");
        // Everyone else keeps working.
        Assert.Equal("q", (await bystander.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "bystander-" + id[8..] })).Document);
    }
}
