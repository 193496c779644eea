using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Operators;

/// <summary>VIEWER reads, ADMIN changes, nobody but the sandbox reads credentials, unlisted operators get nothing.</summary>
public sealed class OperatorRoleTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private const string Credential = "sk-operator-test-5d1c";
    private readonly string _id = "ops-" + Guid.NewGuid().ToString("N")[..8];

    private TestServer Server => fixture.Server;

    private V1.SandboxControl.SandboxControlClient Viewer => Server.Client(Server.Pki.Operator(TestServer.ViewerName));

    public async Task InitializeAsync()
    {
        await Server.CreateSandboxAsync(_id, "ops-policy-v1");
        var env = new SetSandboxProviderEnvironmentRequest { SandboxId = _id };
        env.Variables["API_KEY"] = Credential;
        await Server.Admin.SetSandboxProviderEnvironmentAsync(env);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Viewer_ListsSandboxesAndReadsPolicies()
    {
        var viewer = Viewer;

        var list = await viewer.ListSandboxesAsync(new ListSandboxesRequest { PageSize = 1000 });
        var policy = await viewer.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = _id });
        var history = await viewer.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = _id });

        Assert.Contains(list.Sandboxes, sandbox => sandbox.SandboxId == _id);
        Assert.Equal("ops-policy-v1", policy.Document);
        Assert.Single(history.Policies);
    }

    [Fact]
    public async Task Viewer_UpdateSandboxPolicy_PermissionDeniedAndNothingWritten()
    {
        await AssertDeniedAsync(Viewer.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = _id, ExpectedVersion = 1, Document = "viewer-was-here" }).ResponseAsync);

        var policy = await Server.Admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = _id });
        Assert.Equal(1, policy.Version);
        Assert.Equal("ops-policy-v1", policy.Document);
    }

    [Fact]
    public async Task Viewer_CreateSandbox_PermissionDeniedAndNotCreated()
    {
        var id = "viewer-made-" + Guid.NewGuid().ToString("N")[..8];

        await AssertDeniedAsync(Viewer.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id }).ResponseAsync);

        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Viewer_GetSandboxProviderEnvironment_PermissionDenied() =>
        await AssertDeniedAsync(Viewer.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = _id }).ResponseAsync);

    [Fact]
    public async Task Admin_UpdatesPolicy()
    {
        var updated = await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = _id, ExpectedVersion = 1, Document = "ops-policy-v2" });

        Assert.Equal(2, updated.Version);
        Assert.Equal($"operator/{TestServer.AdminName}", updated.CreatedBy);
    }

    [Fact]
    public async Task Admin_GetSandboxProviderEnvironment_PermissionDenied() =>
        await AssertDeniedAsync(Server.Admin.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = _id }).ResponseAsync);

    [Fact]
    public async Task UnlistedOperator_ListSandboxes_PermissionDenied() =>
        await AssertDeniedAsync(Server.Client(Server.Pki.Operator("stranger")).ListSandboxesAsync(new ListSandboxesRequest()).ResponseAsync);

    [Fact]
    public async Task Operator_UnknownSandbox_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Viewer.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "does-not-exist" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Operator_MalformedSandboxId_InvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Viewer.GetSandboxAsync(new GetSandboxRequest { SandboxId = "Bad\nId" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    private static async Task AssertDeniedAsync<T>(Task<T> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.DoesNotContain(Credential, ex.Status.Detail, StringComparison.Ordinal);
    }
}
