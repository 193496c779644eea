using System.Text.Json;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>`sandboxctl audit` against the real server: filters reach the server and the output is what it recorded.</summary>
public sealed class SandboxctlAuditTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliHarness _cli = CliHarness.Admin(fixture.Server);

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Audit_DeniedForOneSandbox_JsonHoldsOnlyTheRefusedCallOfTheOtherSandbox()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var attacker = await Server.CreateSandboxAsync("cli-audit-a-" + suffix, "p");
        await Server.CreateSandboxAsync("cli-audit-b-" + suffix, "p");
        var refused = await Assert.ThrowsAsync<RpcException>(
            () => attacker.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "cli-audit-b-" + suffix }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);

        var denied = await _cli.RunAsync("audit", "--sandbox", "cli-audit-b-" + suffix, "--denied", "--since", "1h", "-o", "json");
        var allowed = await _cli.RunAsync("audit", "--sandbox", "cli-audit-b-" + suffix, "--allowed", "-o", "json");

        Assert.True(denied.ExitCode == 0, denied.ToString());
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        var deny = Assert.Single(Events(denied.Out));
        Assert.Equal("sandbox/cli-audit-a-" + suffix, deny.GetProperty("caller").GetString());
        Assert.Equal("GetSandboxPolicy", deny.GetProperty("rpc").GetString());
        Assert.False(deny.GetProperty("allowed").GetBoolean());
        Assert.Equal("PermissionDenied", deny.GetProperty("status").GetString());
        var allowedEvents = Events(allowed.Out);
        Assert.Contains(allowedEvents, e => e.GetProperty("rpc").GetString() == "CreateSandbox");
        Assert.All(allowedEvents, e => Assert.True(e.GetProperty("allowed").GetBoolean()));
        Assert.All(allowedEvents, e => Assert.Equal("cli-audit-b-" + suffix, e.GetProperty("target").GetString()));
    }

    [Fact]
    public async Task Audit_TableByCaller_OneRowPerEventWithTheDecision()
    {
        var id = "cli-audit-t-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        await sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id });
        await sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id });

        var result = await _cli.RunAsync("audit", "--caller", "sandbox/" + id, "--rpc", "GetSandboxPolicy");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("TIME", lines[0], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length - 1);
        Assert.All(lines.Skip(1), line => Assert.Matches($@"sandbox/{id}\s+GetSandboxPolicy\s+{id}\s+allow\s+OK", line));
    }

    [Fact]
    public async Task Audit_DeniedAndAllowed_UsageErrorExitTwo()
    {
        var result = await _cli.RunAsync("audit", "--denied", "--allowed");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--denied and --allowed exclude each other.", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task Audit_ViewerOperator_PermissionDeniedExitOne()
    {
        using var viewer = new CliHarness(Server.Address, Server.Pki.Operator(TestServer.ViewerName), Server.Pki.CaPath);

        var result = await viewer.RunAsync("audit");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("PermissionDenied", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox/", result.Out, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    private static List<JsonElement> Events(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("events", out var events)
            ? events.EnumerateArray().Select(e => e.Clone()).ToList()
            : [];
    }
}
