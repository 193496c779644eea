using System.Text.Json;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Audit;

/// <summary>Every decision is one audit event; no credential value reaches the audit file or any log line.</summary>
public sealed class AuditTrailTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Credential = "sk-audit-canary-91b2c3d4";

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task AllowAndDeny_EachRecordedWithCallerRpcTargetReason_NoCredentialAnywhere()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var a = await Server.CreateSandboxAsync("audit-a-" + suffix, "p");
        await Server.CreateSandboxAsync("audit-b-" + suffix, "p");
        var env = new SetSandboxProviderEnvironmentRequest { SandboxId = "audit-a-" + suffix };
        env.Variables["TOKEN"] = Credential;
        await Server.Admin.SetSandboxProviderEnvironmentAsync(env);
        Assert.Equal(Credential, (await a.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = "audit-a-" + suffix })).Variables["TOKEN"]);
        await Assert.ThrowsAsync<RpcException>(() => a.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "audit-b-" + suffix }).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => a.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "evil\n{\"allowed\":true}" }).ResponseAsync);

        var events = ReadAudit().Where(e => e.GetProperty("caller").GetString() == "sandbox/audit-a-" + suffix).ToList();

        var allow = Assert.Single(events, e => e.GetProperty("rpc").GetString() == "GetSandboxProviderEnvironment");
        Assert.True(allow.GetProperty("allowed").GetBoolean());
        Assert.Equal("audit-a-" + suffix, allow.GetProperty("target").GetString());
        Assert.False(string.IsNullOrEmpty(allow.GetProperty("certificateSerial").GetString()));
        var deny = Assert.Single(events, e => e.GetProperty("target").GetString() == "audit-b-" + suffix);
        Assert.False(deny.GetProperty("allowed").GetBoolean());
        Assert.Equal("PermissionDenied", deny.GetProperty("status").GetString());
        Assert.Equal("a sandbox may only access its own data", deny.GetProperty("reason").GetString());
        var injected = Assert.Single(events, e => e.GetProperty("status").GetString() == "InvalidArgument");
        Assert.Equal("evil\\u000a{\"allowed\":true}", injected.GetProperty("target").GetString());

        var auditText = await File.ReadAllTextAsync(Server.AuditPath);
        Assert.DoesNotContain(Credential, auditText, StringComparison.Ordinal);
        Assert.DoesNotContain(Credential, Server.Logs.AllText, StringComparison.Ordinal);
        // The debug request log did see the call: the credential's name is there, its value redacted.
        Assert.Contains("TOKEN", Server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnauthenticatedCall_RecordedAsDenyWithReason()
    {
        var id = "audit-gone-" + Guid.NewGuid().ToString("N")[..8];
        await Server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = "p" });
        var certificate = Server.Pki.Sandbox(id);
        await Server.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });

        await Assert.ThrowsAsync<RpcException>(() => Server.Client(certificate).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id }).ResponseAsync);

        var deny = Assert.Single(ReadAudit(), e => e.GetProperty("certificateSerial").GetString() == certificate.SerialNumber && e.GetProperty("status").GetString() == "Unauthenticated");
        Assert.Equal("unauthenticated", deny.GetProperty("caller").GetString());
        // Refused before its body was parsed: the request's sandbox_id is never read, so never recorded.
        Assert.Equal(JsonValueKind.Null, deny.GetProperty("target").ValueKind);
        Assert.Equal("sandbox does not exist", deny.GetProperty("reason").GetString());
    }

    private List<JsonElement> ReadAudit()
    {
        using var stream = new FileStream(Server.AuditPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var events = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            events.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return events;
    }
}
