using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.IntegrationTests.Security;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Logs;

public sealed class LogStreamingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task GetSandboxLogs_Follow_StreamsLinesPushedLaterUntilCancelled()
    {
        var id = "follow-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        await PushAsync(sandbox, id, "before");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var follow = Server.Client(Server.Pki.Operator(TestServer.ViewerName))
            .GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id, Follow = true }, cancellationToken: cancel.Token);

        Assert.True(await follow.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal("before", follow.ResponseStream.Current.Message);
        await PushAsync(sandbox, id, "after-1", "after-2");
        Assert.True(await follow.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal("after-1", follow.ResponseStream.Current.Message);
        Assert.True(await follow.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal("after-2", follow.ResponseStream.Current.Message);
        var first = follow.ResponseStream.Current.Sequence;

        await cancel.CancelAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => follow.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.True(first > 1);
    }

    [Fact]
    public async Task GetSandboxLogs_FollowWhenSandboxDeleted_StreamEndsNotFound()
    {
        var id = "follow-del-" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateSandboxAsync(id, "p");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var follow = Server.Client(Server.Pki.Operator(TestServer.ViewerName))
            .GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id, Follow = true }, cancellationToken: cancel.Token);
        var reading = follow.ResponseStream.MoveNext(cancel.Token);

        await Server.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = id });

        var ex = await Assert.ThrowsAsync<RpcException>(() => reading);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task PushSandboxLogs_OversizedMessage_ResourceExhaustedAndServerStillServes()
    {
        var id = "big-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        using var push = sandbox.PushSandboxLogs();
        // About 2 MiB in one message, over the 1 MiB default receive limit.
        var message = new PushSandboxLogsRequest { SandboxId = id };
        message.Lines.Add(Enumerable.Repeat(SandboxIsolationTests.Line(new string('x', 15_000)), 140));

        try
        {
            await push.RequestStream.WriteAsync(message);
            await push.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server may end the call while the client is still writing; its status is on the response.
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => push.ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        await PushAsync(sandbox, id, "small");
        var lines = await SandboxIsolationTests.ReadAllAsync(sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.Equal(["small"], lines.Select(l => l.Message));
    }

    [Fact]
    public async Task UpdateSandboxPolicy_OversizedMessage_ResourceExhausted()
    {
        var id = "bigpolicy-" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateSandboxAsync(id, "p");

        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Admin.UpdateSandboxPolicyAsync(
            new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = 1, Document = new string('z', 2 * 1024 * 1024) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal("p", (await Server.Admin.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
    }

    [Fact]
    public async Task PushSandboxLogs_LineOverCharacterLimit_InvalidArgumentNothingStored()
    {
        var id = "long-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");

        var ex = await Assert.ThrowsAsync<RpcException>(() => PushAsync(sandbox, id, "ok", new string('y', 20_000)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var lines = await SandboxIsolationTests.ReadAllAsync(sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.Empty(lines);
    }

    [Fact]
    public async Task GetSandboxLogs_MoreFollowStreamsThanAllowed_ResourceExhaustedOthersUnaffected()
    {
        var id = "many-follow-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var open = new List<AsyncServerStreamingCall<LogLine>>();
        await PushAsync(sandbox, id, "ready");
        for (var i = 0; i < 8; i++)
        {
            var call = sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id, Follow = true }, cancellationToken: cancel.Token);
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
            open.Add(call);
        }

        using var ninth = sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id, Follow = true }, cancellationToken: cancel.Token);
        var ex = await Assert.ThrowsAsync<RpcException>(() => ninth.ResponseStream.MoveNext(cancel.Token));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var other = "other-follow-" + Guid.NewGuid().ToString("N")[..8];
        var otherSandbox = await Server.CreateSandboxAsync(other, "p");
        await PushAsync(otherSandbox, other, "fine");
        using var otherFollow = otherSandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = other, Follow = true }, cancellationToken: cancel.Token);
        Assert.True(await otherFollow.ResponseStream.MoveNext(cancel.Token));
        foreach (var call in open)
        {
            call.Dispose();
        }
    }

    [Fact]
    public async Task PushSandboxLogs_ManyMessagesOnOneStream_AnsweredOnceAllStoredInOrder()
    {
        var id = "pipe-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        using var push = sandbox.PushSandboxLogs();
        // More messages than a stream may have waiting for their commit, so the server reads ahead of its commits.
        for (var m = 0; m < 40; m++)
        {
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { Enumerable.Range(0, 25).Select(l => SandboxIsolationTests.Line($"m{m}-l{l}")) } });
        }

        await push.RequestStream.CompleteAsync();
        var response = await push;

        Assert.Equal(1000, response.AcceptedLines);
        var lines = await SandboxIsolationTests.ReadAllAsync(sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"m{i / 25}-l{i % 25}"), lines.Select(line => line.Message));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), lines.Select(line => line.Sequence));
    }

    [Fact]
    public async Task PushSandboxLogs_InvalidMessageAfterValidOnes_InvalidArgumentOnlyOnceEarlierOnesAreStored()
    {
        var id = "pipe-bad-" + Guid.NewGuid().ToString("N")[..8];
        var sandbox = await Server.CreateSandboxAsync(id, "p");
        using var push = sandbox.PushSandboxLogs();
        try
        {
            for (var m = 0; m < 6; m++)
            {
                await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { Enumerable.Range(0, 50).Select(l => SandboxIsolationTests.Line($"m{m}-l{l}")) } });
            }

            var bad = SandboxIsolationTests.Line("bad");
            bad.Level = (LogLevel)99;
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { bad } });
            await push.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server may end the stream before the client has finished writing; the status comes with the response.
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => push.ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("unknown log level", ex.Status.Detail);
        // No read-after-wait: the refusal is sent only after the six earlier messages are durable.
        var lines = await SandboxIsolationTests.ReadAllAsync(sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.Equal(300, lines.Count);
        Assert.DoesNotContain(lines, line => line.Message == "bad");
    }

    private static async Task PushAsync(V1.SandboxControl.SandboxControlClient client, string id, params string[] messages)
    {
        using var push = client.PushSandboxLogs();
        await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { messages.Select(SandboxIsolationTests.Line) } });
        await push.RequestStream.CompleteAsync();
        await push;
    }
}
