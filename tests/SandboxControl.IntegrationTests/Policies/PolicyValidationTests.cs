using Grpc.Core;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Policies;

/// <summary>Every entry point checks the document against the server's format and schema, and a refusal stores nothing.</summary>
public sealed class PolicyValidationTests(PolicyServersFixture fixture) : IClassFixture<PolicyServersFixture>
{
    public static TheoryData<string, string, string> Refused() => new()
    {
        { "yaml", "invalid/syntax.yaml", "policy document is not valid YAML: line 6, column 14:" },
        { "yaml", "invalid/write-root.yaml", "policy document violates the schema: /filesystem/write/0:" },
        { "yaml", "invalid/egress-everything.yaml", "policy document violates the schema: /network/egress/0/host:" },
        { "yaml", "invalid/aliases.yaml", "anchors and aliases are not allowed" },
        { "json", "invalid/syntax.json", "policy document is not valid JSON: line 4, column 36:" },
        { "json", "invalid/egress-everything.json", "policy document violates the schema: /network/egress/0/host:" },
        { "json", "valid/web-worker.yaml", "policy document is not valid JSON: line 1, column 1:" },
    };

    public static TheoryData<string, string> Accepted() => new()
    {
        { "yaml", "valid/web-worker.yaml" },
        { "yaml", "valid/data-job.json" },
        { "json", "valid/data-job.json" },
        { "opaque", "invalid/syntax.yaml" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task CreateSandbox_RefusedDocument_InvalidArgumentAndNoSandbox(string format, string file, string expected)
    {
        var server = fixture.Server(format);
        var id = NewId("create");

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Admin.CreateSandboxAsync(
            new CreateSandboxRequest { SandboxId = id, PolicyDocument = PolicyExamples.Read(file) }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task UpdateSandboxPolicy_RefusedDocument_InvalidArgumentAndVersionKept(string format, string file, string expected)
    {
        var server = fixture.Server(format);
        var id = await server.CreateUniqueSandboxAsync("update", PolicyExamples.Read(format == "json" ? "valid/data-job.json" : "valid/web-worker.yaml"));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Admin.UpdateSandboxPolicyAsync(
            new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = PolicyExamples.Read(file) }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
        var history = await server.Admin.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = id });
        Assert.Equal(1, Assert.Single(history.Policies).Policy.Version);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ValidateSandboxPolicy_RefusedDocument_InvalidArgument(string format, string file, string expected)
    {
        var server = fixture.Server(format);
        var viewer = server.Client(server.Pki.Operator(Infrastructure.TestServer.ViewerName));

        var error = await Assert.ThrowsAsync<RpcException>(() => viewer.ValidateSandboxPolicyAsync(
            new ValidateSandboxPolicyRequest { SandboxId = NewId("validate"), Document = PolicyExamples.Read(file) }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task AllEntryPoints_AcceptedDocument_Written(string format, string file)
    {
        var server = fixture.Server(format);
        var document = PolicyExamples.Read(file);
        var id = NewId("ok");

        var check = await server.Admin.ValidateSandboxPolicyAsync(new ValidateSandboxPolicyRequest { SandboxId = id, Document = document });
        await server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = document });
        var update = await server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = document + "\n" });

        Assert.False(check.SandboxExists);
        Assert.Equal(2, update.Version);
        Assert.False(update.Unchanged);
    }

    [Theory]
    [InlineData("yaml")]
    [InlineData("json")]
    [InlineData("opaque")]
    public async Task BinaryDocument_EveryEntryPoint_InvalidArgument(string format)
    {
        var server = fixture.Server(format);
        var id = await server.CreateUniqueSandboxAsync("binary", format == "opaque" ? "p" : null);
        var current = (await server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id })).PolicyVersion;
        const string Binary = "\u007fELF\u0002\u0001\u0001\u0000\u0000";

        var create = await Assert.ThrowsAsync<RpcException>(() => server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = NewId("bin"), PolicyDocument = Binary }).ResponseAsync);
        var update = await Assert.ThrowsAsync<RpcException>(() => server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = current, Document = Binary }).ResponseAsync);
        var validate = await Assert.ThrowsAsync<RpcException>(() => server.Admin.ValidateSandboxPolicyAsync(new ValidateSandboxPolicyRequest { SandboxId = id, Document = Binary }).ResponseAsync);

        foreach (var error in new[] { create, update, validate })
        {
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal("policy document is not text: control character at line 1, column 1", error.Status.Detail);
        }

        Assert.Equal(current, (await server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id })).PolicyVersion);
    }

    [Fact]
    public async Task CreateSandbox_NoDocument_DefaultPolicyIsVersion1()
    {
        var server = fixture.Server("yaml");
        var id = NewId("default");

        var created = await server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id });
        var policy = await server.Admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id });

        Assert.Equal(1, created.PolicyVersion);
        Assert.Equal(1, policy.Version);
        Assert.Equal(PolicyExamples.Read(PolicyServersFixture.DefaultPolicyFile), policy.Document);
    }

    [Fact]
    public async Task CreateSandbox_NoDocumentNoDefault_NoPolicy()
    {
        var server = fixture.Server("json");

        var created = await server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = NewId("nodefault") });

        Assert.Equal(0, created.PolicyVersion);
    }

    [Fact]
    public async Task UpdateSandboxPolicy_IdenticalDocument_UnchangedAndNoVersion()
    {
        var server = fixture.Server("yaml");
        var document = PolicyExamples.Read("valid/web-worker.yaml");
        var id = await server.CreateUniqueSandboxAsync("same", document);

        var again = await server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = document });
        var history = await server.Admin.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = id });

        Assert.True(again.Unchanged);
        Assert.Equal(1, again.Version);
        Assert.Equal(document, again.Document);
        Assert.Single(history.Policies);
    }

    [Fact]
    public async Task ValidateSandboxPolicy_ChangedDocument_DiffAndWritesNothing()
    {
        var server = fixture.Server("yaml");
        var before = PolicyExamples.Read("valid/web-worker.yaml");
        var id = await server.CreateUniqueSandboxAsync("diff", before);
        var after = before.Replace("max_processes: 64", "max_processes: 32", StringComparison.Ordinal);
        var viewer = server.Client(server.Pki.Operator(Infrastructure.TestServer.ViewerName));

        var check = await viewer.ValidateSandboxPolicyAsync(new ValidateSandboxPolicyRequest { SandboxId = id, Document = after });
        var same = await viewer.ValidateSandboxPolicyAsync(new ValidateSandboxPolicyRequest { SandboxId = id, Document = before });

        Assert.True(check.SandboxExists);
        Assert.Equal(1, check.CurrentVersion);
        Assert.False(check.Unchanged);
        Assert.Contains($"--- {id} version 1\n+++ {id} proposed\n", check.Diff, StringComparison.Ordinal);
        Assert.Contains("\n-  max_processes: 64\n+  max_processes: 32\n", check.Diff, StringComparison.Ordinal);
        Assert.True(same.Unchanged);
        Assert.Equal(string.Empty, same.Diff);
        var history = await server.Admin.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = id });
        Assert.Equal(before, Assert.Single(history.Policies).Policy.Document);
    }

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}
