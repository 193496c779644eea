using SandboxControl.IntegrationTests.Cli;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Policies;

/// <summary>sandboxctl's policy workflow against a yaml server with the example schema: dry-run, diff, rollback, apply.</summary>
public sealed class SandboxctlPolicyTests(PolicyServersFixture fixture) : IClassFixture<PolicyServersFixture>, IDisposable
{
    private readonly CliHarness _cli = CliHarness.Admin(fixture.Server("yaml"));

    private TestServer Server => fixture.Server("yaml");

    [Fact]
    public async Task PolicySet_BinaryFile_UsageErrorAndNothingSent()
    {
        var id = await Server.CreateUniqueSandboxAsync("bin", PolicyExamples.Read("valid/offline.yaml"));
        await File.WriteAllBytesAsync(_cli.Combine("policy.bin"), [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe, 0x00]);

        var result = await _cli.RunAsync("policy", "set", id, "--file", "policy.bin", "--expected-version", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: policy file '{_cli.Combine("policy.bin")}' is not UTF-8 text (a binary file?); nothing was sent.\n", result.Error);
        Assert.Equal(1, (await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id })).PolicyVersion);
    }

    [Fact]
    public async Task PolicySet_SchemaViolation_ExitOneWithPath()
    {
        var id = await Server.CreateUniqueSandboxAsync("bad", PolicyExamples.Read("valid/offline.yaml"));

        var result = await _cli.RunAsync("policy", "set", id, "--file", PolicyExamples.PathOf("invalid/write-etc.yaml"), "--expected-version", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: InvalidArgument: policy document violates the schema: /filesystem/write/1:", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task PolicySetDryRun_Change_PrintsDiffAndWritesNothing()
    {
        var before = PolicyExamples.Read("valid/offline.yaml");
        var id = await Server.CreateUniqueSandboxAsync("dry", before);
        await File.WriteAllTextAsync(_cli.Combine("next.yaml"), before.Replace("max_processes: 1", "max_processes: 2", StringComparison.Ordinal));

        var result = await _cli.RunAsync("policy", "set", id, "--file", "next.yaml", "--dry-run", "--color", "always");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("dry run: valid; set --expected-version 1 would write version 2", result.Out, StringComparison.Ordinal);
        Assert.Contains("\u001b[31m-  max_processes: 1\u001b[0m\n\u001b[32m+  max_processes: 2\u001b[0m\n", result.Out, StringComparison.Ordinal);
        var history = await Server.Admin.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = id });
        Assert.Equal(before, Assert.Single(history.Policies).Policy.Document);
    }

    [Fact]
    public async Task PolicyDiffAndRollback_ThreeVersions_DiffThenRollbackAsNewVersion()
    {
        var v1 = PolicyExamples.Read("valid/offline.yaml");
        var v2 = v1.Replace("max_processes: 1", "max_processes: 2", StringComparison.Ordinal);
        var id = await Server.CreateUniqueSandboxAsync("roll", v1);
        await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = v2 });

        var diff = await _cli.RunAsync("policy", "diff", id, "--color", "never");
        var rollback = await _cli.RunAsync("policy", "rollback", id, "--to", "1");
        var again = await _cli.RunAsync("policy", "rollback", id, "--to", "1", "-o", "json");

        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Equal($"--- {id} version 1\n+++ {id} version 2\n@@ -4,4 +4,4 @@\n filesystem:\n   write: [/home/sandbox]\n process:\n-  max_processes: 1\n+  max_processes: 2\n", diff.Out);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        var current = await Server.Admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id });
        Assert.Equal(3, current.Version);
        Assert.Equal(v1, current.Document);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("\"unchanged\": true", again.Out, StringComparison.Ordinal);
        Assert.Equal(3, (await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id })).PolicyVersion);
    }

    [Fact]
    public async Task PolicyRollback_ToFailedVersion_RefusedUnlessForced()
    {
        var v1 = PolicyExamples.Read("valid/offline.yaml");
        var v2 = v1.Replace("max_processes: 1", "max_processes: 2", StringComparison.Ordinal);
        var v3 = v1.Replace("max_processes: 1", "max_processes: 3", StringComparison.Ordinal);
        var id = await Server.CreateUniqueSandboxAsync("failed", v1);
        var sandbox = Server.Client(await Server.SandboxCertificateAsync(id));
        await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = v2 });
        await sandbox.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = id, Version = 2, Status = PolicyStatus.Failed, Message = "cannot load" });
        await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 2, Document = v3 });

        var refused = await _cli.RunAsync("policy", "rollback", id, "--to", "2");
        var versionAfterRefusal = (await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id })).PolicyVersion;
        var forced = await _cli.RunAsync("policy", "rollback", id, "--to", "2", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("error: refused: the sandbox reported version 2 FAILED; roll back to it anyway with --force.\n", refused.Error);
        Assert.Equal(3, versionAfterRefusal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(v2, (await Server.Admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
    }

    [Fact]
    public async Task Apply_Directory_PlanThenAppliedThenSecondRunAllUnchanged()
    {
        var existing = await Server.CreateUniqueSandboxAsync("apply", PolicyExamples.Read("valid/offline.yaml"));
        var created = "apply-new-" + Guid.NewGuid().ToString("N")[..8];
        var repository = Directory.CreateDirectory(_cli.Combine("repo-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        // No header: the file name names the sandbox (the example's "# sandbox: web-worker" header would win).
        await File.WriteAllTextAsync(Path.Combine(repository, existing + ".yaml"), PolicyExamples.Read("valid/web-worker.yaml").Replace("# sandbox: web-worker\n", string.Empty, StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(repository, "anything.yaml"), $"# sandbox: {created}\n" + PolicyExamples.Read("valid/offline.yaml"));

        var dryRun = await _cli.RunAsync("apply", "-f", repository, "--dry-run");
        var afterDryRun = await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = existing });
        var first = await _cli.RunAsync("apply", "-f", repository);
        var second = await _cli.RunAsync("apply", "-f", repository);

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(dryRun.Out, $"(?m)^create +{created} +- -> 1 +anything.yaml$"), dryRun.Out);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(dryRun.Out, $"(?m)^update +{existing} +1 -> 2 +{existing}.yaml$"), dryRun.Out);
        Assert.EndsWith("plan: 1 create, 1 update, 0 unchanged, 0 invalid; 0 refused\n", dryRun.Out, StringComparison.Ordinal);
        Assert.Equal(1, afterDryRun.PolicyVersion);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"created {created} with policy version 1", first.Out, StringComparison.Ordinal);
        Assert.Contains($"updated {existing} to policy version 2", first.Out, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.EndsWith("applied: 0 create, 0 update, 2 unchanged, 0 invalid; 0 refused\n", second.Out, StringComparison.Ordinal);
        Assert.Equal(2, (await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = existing })).PolicyVersion);
        Assert.Equal(1, (await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = created })).PolicyVersion);
    }

    [Fact]
    public async Task Apply_InvalidFileAmongValid_ValidAppliedInvalidReportedExitOne()
    {
        var good = "apply-good-" + Guid.NewGuid().ToString("N")[..8];
        var bad = "apply-bad-" + Guid.NewGuid().ToString("N")[..8];
        var repository = Directory.CreateDirectory(_cli.Combine("repo-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        await File.WriteAllTextAsync(Path.Combine(repository, good + ".yaml"), PolicyExamples.Read("valid/offline.yaml"));
        await File.WriteAllTextAsync(Path.Combine(repository, bad + ".yaml"), PolicyExamples.Read("invalid/dot-dot.yaml"));
        await File.WriteAllBytesAsync(Path.Combine(repository, "binary.policy"), [0x00, 0xff, 0x10]);

        var result = await _cli.RunAsync("apply", "-f", repository);

        Assert.Equal(1, result.ExitCode);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(result.Out, $"(?m)^invalid +{bad} +- +{bad}.yaml +policy document violates the schema: /filesystem/read/0:"), result.Out);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(result.Out, "(?m)^invalid +- +- +binary.policy +policy file '.*binary.policy' is not UTF-8 text"), result.Out);
        Assert.EndsWith("applied: 1 create, 0 update, 0 unchanged, 2 invalid; 2 refused\n", result.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = good })).PolicyVersion);
        var missing = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = bad }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, missing.StatusCode);
    }

    public void Dispose() => _cli.Dispose();
}
