using Grpc.Core;
using SandboxControl.Client;
using SandboxControl.Client.Logs;
using SandboxControl.Client.Policies;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>The sandbox library against a real server: its own data only, its id from its certificate.</summary>
public sealed class SandboxClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task GetPolicyReportStatusAndEnvironment_OwnSandbox_FromCertificateIdentity()
    {
        var id = await Server.CreateUniqueSandboxAsync("lib", "egress: deny");
        await Server.Admin.SetSandboxProviderEnvironmentAsync(new SetSandboxProviderEnvironmentRequest { SandboxId = id, Variables = { ["API_TOKEN"] = "tok-" + id } });
        using var files = new SandboxFiles(await Server.SandboxCertificateAsync(id));
        await using var client = SandboxClient.Create(files.Options(Server.Address, Server.Pki.CaPath));

        var policy = await client.GetPolicyAsync();
        var status = await client.ReportPolicyStatusAsync(policy.Version, PolicyState.Loaded);
        var environment = await client.GetProviderEnvironmentAsync();

        Assert.Equal(id, client.SandboxId);
        Assert.Equal((1L, "egress: deny"), (policy.Version, policy.Document));
        Assert.Equal((PolicyState.Loaded, 1L), (status.State, status.ActiveVersion));
        Assert.Equal("tok-" + id, environment["API_TOKEN"]);
    }

    [Fact]
    public async Task PolicyWatcher_NewVersion_RaisesEventWithIt()
    {
        var id = await Server.CreateUniqueSandboxAsync("lib", "v1");
        using var files = new SandboxFiles(await Server.SandboxCertificateAsync(id));
        await using var client = SandboxClient.Create(files.Options(Server.Address, Server.Pki.CaPath));
        var seen = new List<PolicyChangedEventArgs>();
        var second = new TaskCompletionSource<SandboxPolicyDocument>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watcher = client.WatchPolicy(new PolicyWatcherOptions { Interval = TimeSpan.FromMilliseconds(100) });
        watcher.PolicyChanged += (_, e) =>
        {
            lock (seen)
            {
                seen.Add(e);
            }

            if (e.Policy.Version == 2)
            {
                second.TrySetResult(e.Policy);
            }
        };

        var firstPollDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (watcher.Version < 1)
        {
            Assert.True(DateTime.UtcNow < firstPollDeadline, $"the watcher saw no policy within 15 s ({watcher.FailedPolls} failed polls)");
            await Task.Delay(20);
        }

        await Server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = "v2" });
        var policy = await second.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("v2", policy.Document);
        Assert.Equal(0, watcher.FailedPolls);
        lock (seen)
        {
            Assert.Equal(1, seen[^1].PreviousVersion);
        }
    }

    [Fact]
    public async Task LogSink_ServerUnreachable_BufferBoundedInBytes()
    {
        var id = await Server.CreateUniqueSandboxAsync("lib", "p");
        using var files = new SandboxFiles(await Server.SandboxCertificateAsync(id));
        // Nothing listens on port 1: every push fails, so lines stay buffered.
        await using var client = SandboxClient.Create(files.Options(new Uri("https://127.0.0.1:1"), Server.Pki.CaPath));
        var sink = client.CreateLogSink(new SandboxLogSinkOptions { CapacityBytes = 64 * 1024, MaxBatchLines = 1, FlushTimeout = TimeSpan.Zero });
        var message = new string('x', 10_000);

        for (var i = 0; i < 100; i++)
        {
            Assert.True(sink.Write(LogSeverity.Info, "bytes-test", message));
        }

        // At most six 10 KB lines fit in 64 KiB, plus the one batch (one line) taken for sending.
        Assert.InRange(sink.BufferedLines, 1, 7);
        Assert.InRange(sink.DroppedLines, 93, 99);
        await sink.DisposeAsync();
        Assert.Equal(sink.WrittenLines, sink.DroppedLines + sink.SentLines);
        Assert.False(sink.Write(LogSeverity.Info, "bytes-test", "after dispose"));
    }

    [Fact]
    public async Task ServerNotFromCaBundle_RefusedByClientAtTls()
    {
        var id = await Server.CreateUniqueSandboxAsync("lib", "p");
        using var files = new SandboxFiles(await Server.SandboxCertificateAsync(id));
        using var otherCa = new TempDirectory("other-ca");
        var otherCaPath = otherCa.Combine("ca.crt");
        Pki.PemFiles.WriteCertificate(otherCaPath, Server.Pki.OtherCa.Certificate);
        await using var client = SandboxClient.Create(files.Options(Server.Address, otherCaPath));

        var ex = await Assert.ThrowsAsync<SandboxControl.Client.Errors.HandshakeRefusedException>(() => client.GetPolicyAsync());

        // grpc-dotnet reports a handshake the client itself refused as Internal, with the TLS error inside.
        var rpc = Assert.IsType<RpcException>(ex.InnerException);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(rpc.Status.DebugException?.InnerException);
    }
}
