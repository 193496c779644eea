using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>Hostile request fields: refused precisely, no crash, no log injection, everyone else still served.</summary>
public sealed class RequestAbuseTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    public static TheoryData<string> HostileIds => new()
    {
        "a\r\n{\"allowed\":true,\"caller\":\"operator/admin\"}",
        "\u001b[2Jdemo",
        new string('x', 10 * 1024),
        "demo\0",
        "d\u00e9mo",
    };

    [Theory]
    [MemberData(nameof(HostileIds))]
    public async Task HostileSandboxId_FromSandbox_InvalidArgumentAndAuditEscaped(string hostile)
    {
        var id = "abuse-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");

        var ex = await Assert.ThrowsAsync<RpcException>(() => sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = hostile }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var lines = await File.ReadAllLinesAsync(Server.AuditPath);
        // The injected fake event never appears as structure: one JSON object per line, quotes escaped.
        Assert.DoesNotContain(lines, line => line.Contains("\"allowed\":true,\"caller\"", StringComparison.Ordinal));
        Assert.All(lines, line =>
        {
            var root = System.Text.Json.JsonDocument.Parse(line).RootElement;
            // Eight fields and the replica, and the new serial only on the issuance of the sandbox's certificate.
            Assert.Equal(root.TryGetProperty("issuedSerial", out _) ? 10 : 9, root.EnumerateObject().Count());
        });
        Assert.All(lines, line => Assert.DoesNotContain(line, c => c < ' '));
        Assert.All(lines, line => Assert.True(line.Length < 2048, "audit line not bounded"));
        Assert.Equal("p", (await sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
    }

    [Theory]
    [MemberData(nameof(HostileIds))]
    public async Task HostileSandboxId_FromOperator_InvalidArgument(string hostile)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = hostile }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task ManyConcurrentStreamsFromOneSandbox_AllSucceedAndAllLinesStored()
    {
        var id = "streams-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");

        var pushes = Enumerable.Range(0, 32).Select(async n =>
        {
            using var push = sandbox.PushSandboxLogs();
            for (var i = 0; i < 10; i++)
            {
                await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line($"s{n}-l{i}") } });
            }

            await push.RequestStream.CompleteAsync();
            return (await push).AcceptedLines;
        });
        var accepted = await Task.WhenAll(pushes);

        Assert.All(accepted, count => Assert.Equal(10, count));
        var lines = await SandboxIsolationTests.ReadAllAsync(sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.Equal(320, lines.Count);
        Assert.Equal(lines.Count, lines.Select(l => l.Sequence).Distinct().Count());
    }
}
