using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.IntegrationTests.Security;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Limits;

/// <summary>Rate limits count the work (every PushSandboxLogs message, by its lines); a stream nobody reads is ended.</summary>
public sealed class PushRateAndWriteTimeoutTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("pushrate");
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
    {
        ["RateLimit:LogLinesPerSecond"] = "100",
        ["RateLimit:LogLinesBurst"] = "200",
        ["Limits:MaxStreamsPerCaller"] = "2",
        ["Limits:StreamWriteTimeout"] = "00:00:01",
    });

    [Fact]
    public async Task FloodOnOneStream_ResourceExhaustedWithStoredCount_RefusedMessageNotStored()
    {
        var id = await _server.CreateUniqueSandboxAsync("flood");
        var sandbox = _server.Client(await _server.SandboxCertificateAsync(id));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var push = sandbox.PushSandboxLogs();
        var sent = 0;
        try
        {
            for (; sent < 5000; sent++)
            {
                await push.RequestStream.WriteAsync(new PushSandboxLogsRequest
                {
                    SandboxId = id,
                    Lines = { Enumerable.Range(0, 10).Select(n => SandboxIsolationTests.Line($"m{sent}-l{n}")) },
                });
            }

            await push.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the stream; its status comes with the response.
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => push.ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        var match = System.Text.RegularExpressions.Regex.Match(ex.Status.Detail, @"(\d+) lines of this stream's earlier messages were stored");
        Assert.True(match.Success, ex.Status.Detail);
        var stored = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // Burst 200 plus 100 lines/s of refill while the flood ran: nowhere near 50,000 lines.
        Assert.InRange(stored, 200, 200 + (100 * (int)Math.Ceiling(clock.Elapsed.TotalSeconds)) + 10);
        var lines = await SandboxIsolationTests.ReadAllAsync(sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }));
        Assert.Equal(stored, lines.Count);
        Assert.Equal(0, lines.Count % 10);
    }

    [Fact]
    public async Task UnreadStream_EndedAfterWriteTimeout_SlotFreedForTheCaller()
    {
        var id = await _server.CreateUniqueSandboxAsync("stall");
        var sandbox = _server.Client(await _server.SandboxCertificateAsync(id));
        await StreamCapTests.PushBigLinesAsync(sandbox, id, 100);
        var stalled = Enumerable.Range(0, 2).Select(_ => sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id })).ToList();
        Assert.All(await Task.WhenAll(stalled.Select(StreamCapTests.FirstMessageAsync)), status => Assert.Equal(StatusCode.OK, status));
        using (var third = sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id }))
        {
            Assert.Equal(StatusCode.ResourceExhausted, await StreamCapTests.FirstMessageAsync(third));
        }

        // The stalled readers never read again; within a few write timeouts their slots come back.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var status = StatusCode.ResourceExhausted;
        while (status == StatusCode.ResourceExhausted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            using var retry = sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id });
            status = await StreamCapTests.FirstMessageAsync(retry);
        }

        Assert.Equal(StatusCode.OK, status);
        Assert.Contains(_server.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("did not take a message", StringComparison.Ordinal));
        stalled.ForEach(call => call.Dispose());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
