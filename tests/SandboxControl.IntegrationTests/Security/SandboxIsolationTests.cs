using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>A sandbox reaches its own data and nothing else, whatever sandbox_id it sends.</summary>
public sealed class SandboxIsolationTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private const string SecretOfB = "sk-b-7f3a9c1e-never-leak";
    private const string PolicyOfB = "policy-of-b: confidential-marker-42";
    private V1.SandboxControl.SandboxControlClient _a = null!;

    private TestServer Server => fixture.Server;

    public async Task InitializeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        A = "a-" + suffix;
        B = "b-" + suffix;
        _a = await Server.CreateSandboxAsync(A, "policy-of-a: allow-own");
        await Server.CreateSandboxAsync(B, PolicyOfB);
        var envA = new SetSandboxProviderEnvironmentRequest { SandboxId = A };
        envA.Variables["TOKEN"] = "sk-a-own-token";
        await Server.Admin.SetSandboxProviderEnvironmentAsync(envA);
        var envB = new SetSandboxProviderEnvironmentRequest { SandboxId = B };
        envB.Variables["TOKEN"] = SecretOfB;
        await Server.Admin.SetSandboxProviderEnvironmentAsync(envB);
        using var push = Server.Client(await Server.SandboxCertificateAsync(B)).PushSandboxLogs();
        await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = B, Lines = { Line("log-of-b: secret-line") } });
        await push.RequestStream.CompleteAsync();
        await push;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string A { get; set; } = "";

    private string B { get; set; } = "";

    [Fact]
    public async Task OwnData_AllReadable()
    {
        var policy = await _a.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = A });
        var env = await _a.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = A });
        var reported = await _a.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = A, Version = policy.Version, Status = PolicyStatus.Loaded });
        var status = await _a.GetSandboxPolicyStatusAsync(new GetSandboxPolicyStatusRequest { SandboxId = A });

        Assert.Equal("policy-of-a: allow-own", policy.Document);
        Assert.Equal("sk-a-own-token", env.Variables["TOKEN"]);
        Assert.Equal(PolicyStatus.Loaded, reported.Status);
        Assert.Equal(PolicyStatus.Loaded, status.Status);
        Assert.Equal(1, status.ActiveVersion);
    }

    [Fact]
    public async Task OwnLogs_PushedAndRead()
    {
        using (var push = _a.PushSandboxLogs())
        {
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = A, Lines = { Line("hello from a") } });
            await push.RequestStream.CompleteAsync();
            Assert.Equal(1, (await push).AcceptedLines);
        }

        var lines = await ReadAllAsync(_a.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = A }));

        Assert.Equal(["hello from a"], lines.Select(line => line.Message));
    }

    public static TheoryData<string> Targets => new() { "other", "missing" };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task GetSandboxPolicy_OtherOrMissingSandbox_PermissionDenied(string target) =>
        await AssertDeniedAsync(_a.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = TargetId(target) }).ResponseAsync);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task GetSandboxProviderEnvironment_OtherOrMissingSandbox_PermissionDenied(string target) =>
        await AssertDeniedAsync(_a.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = TargetId(target) }).ResponseAsync);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task GetSandboxPolicyStatus_OtherOrMissingSandbox_PermissionDenied(string target) =>
        await AssertDeniedAsync(_a.GetSandboxPolicyStatusAsync(new GetSandboxPolicyStatusRequest { SandboxId = TargetId(target) }).ResponseAsync);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task ReportPolicyStatus_OtherOrMissingSandbox_PermissionDeniedAndNothingRecorded(string target)
    {
        await AssertDeniedAsync(_a.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = TargetId(target), Version = 1, Status = PolicyStatus.Failed, Message = "forged" }).ResponseAsync);

        var statusOfB = await Server.Admin.GetSandboxPolicyStatusAsync(new GetSandboxPolicyStatusRequest { SandboxId = B });
        Assert.Equal(PolicyStatus.Pending, statusOfB.Status);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task GetSandboxLogs_OtherOrMissingSandbox_PermissionDeniedAndNoLines(string target)
    {
        using var call = _a.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = TargetId(target) });
        var received = new List<LogLine>();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var line in call.ResponseStream.ReadAllAsync())
            {
                received.Add(line);
            }
        });

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Empty(received);
    }

    [Fact]
    public async Task PushSandboxLogs_LaterMessageForOtherSandbox_RefusedAndNoneOfItsLinesStored()
    {
        using var push = _a.PushSandboxLogs();
        await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = A, Lines = { Line("a-line-1") } });
        try
        {
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = B, Lines = { Line("forged-into-b-1"), Line("forged-into-b-2") } });
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = A, Lines = { Line("a-line-after") } });
            await push.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server may end the call while we are still writing; its status is on the response.
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => push.ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        var linesOfB = await ReadAllAsync(Server.Admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = B }));
        Assert.DoesNotContain(linesOfB, line => line.Message.StartsWith("forged", StringComparison.Ordinal));
        Assert.Equal(["log-of-b: secret-line"], linesOfB.Select(line => line.Message));
        var linesOfA = await ReadAllAsync(Server.Admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = A }));
        Assert.DoesNotContain(linesOfA, line => line.Message == "a-line-after");
    }

    [Fact]
    public async Task ListSandboxes_AsSandbox_PermissionDenied() =>
        await AssertDeniedAsync(_a.ListSandboxesAsync(new ListSandboxesRequest()).ResponseAsync);

    private string TargetId(string target) => target == "other" ? B : "missing-" + B;

    private static async Task AssertDeniedAsync<T>(Task<T> call)
        where T : Google.Protobuf.IMessage
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call);

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        // No byte of B's data, not even in the error.
        Assert.DoesNotContain(SecretOfB, ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(PolicyOfB, ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-line", ex.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(ex.Trailers, entry => !entry.IsBinary && (entry.Value.Contains(SecretOfB, StringComparison.Ordinal) || entry.Value.Contains(PolicyOfB, StringComparison.Ordinal)));
    }

    internal static LogLine Line(string message) => new()
    {
        Timestamp = Timestamp.FromDateTime(DateTime.UtcNow),
        Level = V1.LogLevel.Info,
        Source = "test",
        Message = message,
    };

    internal static async Task<List<LogLine>> ReadAllAsync(AsyncServerStreamingCall<LogLine> call)
    {
        using (call)
        {
            var lines = new List<LogLine>();
            await foreach (var line in call.ResponseStream.ReadAllAsync())
            {
                lines.Add(line);
            }

            return lines;
        }
    }
}
