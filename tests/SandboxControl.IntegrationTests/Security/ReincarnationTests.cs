using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Security;

/// <summary>
/// A sandbox deleted and re-created under the same id belongs to someone else: streams the old
/// sandbox still holds open must not write into it or read from it.
/// </summary>
public sealed class ReincarnationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task OpenPushStream_SandboxRecreated_NextMessageUnauthenticatedAndNotStored()
    {
        var id = "reborn-push-" + Guid.NewGuid().ToString("N")[..8];
        var oldTenant = await Server.CreateSandboxAsync(id, "old");
        using var push = oldTenant.PushSandboxLogs();
        await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line("old-tenant-line") } });
        // The stream is open and in use (its first line stored) before the sandbox changes hands.
        await WaitForLineAsync(id, "old-tenant-line");
        await RecreateAsync(id);

        try
        {
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line("INJECTED-BY-OLD-TENANT") } });
            await push.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server may end the call first; the status is on the response.
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => push.ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        var lines = await SandboxIsolationTests.ReadAllAsync(Server.Admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.DoesNotContain(lines, line => line.Message == "INJECTED-BY-OLD-TENANT");
    }

    [Fact]
    public async Task OpenFollowStream_SandboxRecreated_EndsWithoutNewTenantLines()
    {
        var id = "reborn-follow-" + Guid.NewGuid().ToString("N")[..8];
        var oldTenant = await Server.CreateSandboxAsync(id, "old");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var follow = oldTenant.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id, Follow = true }, cancellationToken: cancel.Token);
        // The stream is established (and authorized) before the sandbox changes hands.
        using (var mark = oldTenant.PushSandboxLogs())
        {
            await mark.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line("old-tenant-marker") } });
            await mark.RequestStream.CompleteAsync();
            await mark;
        }

        Assert.True(await follow.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal("old-tenant-marker", follow.ResponseStream.Current.Message);
        var received = new List<string>();
        var newTenant = await RecreateAsync(id);
        var reading = Task.Run(async () =>
        {
            await foreach (var line in follow.ResponseStream.ReadAllAsync(cancel.Token))
            {
                received.Add(line.Message);
            }
        });

        using (var push = newTenant.PushSandboxLogs())
        {
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line("NEW-TENANT-SECRET") } });
            await push.RequestStream.CompleteAsync();
            await push;
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => reading);
        Assert.True(ex.StatusCode is StatusCode.NotFound or StatusCode.Unauthenticated, ex.Status.ToString());
        Assert.DoesNotContain("NEW-TENANT-SECRET", received);
    }

    private async Task WaitForLineAsync(string id, string message)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var lines = await SandboxIsolationTests.ReadAllAsync(Server.Admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
            if (lines.Any(line => line.Message == message))
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"line '{message}' never stored");
    }

    private async Task<V1.SandboxControl.SandboxControlClient> RecreateAsync(string id)
    {
        await Server.RecreateSandboxAsync(id, "new");
        return Server.Client(await Server.SandboxCertificateAsync(id));
    }
}
