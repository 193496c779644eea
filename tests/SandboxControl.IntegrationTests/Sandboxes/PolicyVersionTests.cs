using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Sandboxes;

public sealed class PolicyVersionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task UpdateSandboxPolicy_StaleExpectedVersion_AbortedAndNothingWritten()
    {
        var id = "stale-" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateSandboxAsync(id, "v1");
        await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = "v2" });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = "lost-update" }).ResponseAsync);

        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Contains("current version is 2", ex.Status.Detail, StringComparison.Ordinal);
        var history = await Server.Admin.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = id });
        Assert.Equal([2L, 1L], history.Policies.Select(entry => entry.Policy.Version));
        Assert.DoesNotContain(history.Policies, entry => entry.Policy.Document == "lost-update");
    }

    [Fact]
    public async Task ReportPolicyStatus_StaleVersion_Aborted()
    {
        var id = "report-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "v1");
        await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = "v2" });

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            sandbox.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = id, Version = 1, Status = PolicyStatus.Loaded }).ResponseAsync);

        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
    }

    [Fact]
    public async Task FailedNewVersion_LastLoadedStaysActive()
    {
        var id = "failed-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "v1");
        await sandbox.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = id, Version = 1, Status = PolicyStatus.Loaded });
        await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = "v2-broken" });

        var report = await sandbox.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = id, Version = 2, Status = PolicyStatus.Failed, Message = "parse error line 3" });

        Assert.Equal(PolicyStatus.Failed, report.Status);
        Assert.Equal(1, report.ActiveVersion);
        var history = await Server.Admin.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = id });
        Assert.Equal([PolicyStatus.Failed, PolicyStatus.Loaded], history.Policies.Select(entry => entry.Status));
    }

    [Fact]
    public async Task UpdateSandboxPolicy_EmptyDocument_InvalidArgument()
    {
        var id = "empty-" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateSandboxAsync(id, "v1");

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = " " }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }
}
