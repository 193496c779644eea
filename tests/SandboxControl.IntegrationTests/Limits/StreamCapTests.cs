using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.IntegrationTests.Security;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Limits;

/// <summary>Every server stream counts against a per-caller and a server-wide cap, and long-lived ones are re-checked.</summary>
public sealed class StreamCapTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int PerCaller = 4;
    private const int PushesPerCaller = 3;
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("streamcaps");
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
    {
        ["Limits:MaxStreamsPerCaller"] = PerCaller.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:MaxStreams"] = "6",
        ["Limits:OperatorStreamReserve"] = "2",
        ["Limits:MaxPushStreamsPerCaller"] = PushesPerCaller.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:StreamRecheckInterval"] = "00:00:00.2",
    });

    [Fact]
    public async Task UnreadNonFollowStreams_RefusedBeyondCap_MemoryBounded()
    {
        var id = await _server.CreateUniqueSandboxAsync("hoarder");
        var sandbox = _server.Client(await _server.SandboxCertificateAsync(id));
        await PushBigLinesAsync(sandbox, id, 100);
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;

        // 400 non-follow reads, each taking one line and then never reading again.
        var calls = Enumerable.Range(0, 400).Select(_ => sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id })).ToList();
        var outcomes = await Task.WhenAll(calls.Select(FirstMessageAsync));
        var grown = (Process.GetCurrentProcess().WorkingSet64 - before) / (1024 * 1024);
        output.WriteLine($"accepted {outcomes.Count(o => o == StatusCode.OK)}, refused {outcomes.Count(o => o == StatusCode.ResourceExhausted)}, working set growth {grown} MiB");

        Assert.Equal(PerCaller, outcomes.Count(o => o == StatusCode.OK));
        Assert.Equal(400 - PerCaller, outcomes.Count(o => o == StatusCode.ResourceExhausted));
        // Unbounded, these held >1 GiB (each stream had 100 x 16 KiB lines waiting on flow control).
        Assert.True(grown < 400, $"working set grew {grown} MiB for {PerCaller} held streams");
        Assert.Contains(_server.AuditEvents(), e => e.GetProperty("caller").GetString() == "sandbox/" + id && e.GetProperty("status").GetString() == "ResourceExhausted");
        calls.ForEach(call => call.Dispose());
    }

    [Fact]
    public async Task ServerWideCap_SandboxesStopAtOperatorReserve_OperatorsServed_HeldStreamsKept()
    {
        var first = await _server.CreateUniqueSandboxAsync("wide");
        var second = await _server.CreateUniqueSandboxAsync("wide");
        var held = new List<AsyncServerStreamingCall<LogLine>>();
        foreach (var (id, streams) in new[] { (first, 3), (second, 1) })
        {
            var client = _server.Client(await _server.SandboxCertificateAsync(id));
            await PushBigLinesAsync(client, id, 1);
            for (var i = 0; i < streams; i++)
            {
                var call = client.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id, Follow = true });
                Assert.Equal(StatusCode.OK, await FirstMessageAsync(call));
                held.Add(call);
            }
        }

        // Sandboxes hold 4 of 6: the next sandbox stream is refused, though that caller has 1 of its 4.
        var secondClient = _server.Client(await _server.SandboxCertificateAsync(second));
        using var refusedSandbox = secondClient.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = second, Follow = true });
        var sandboxRefusal = await Assert.ThrowsAsync<RpcException>(() => refusedSandbox.ResponseStream.MoveNext());
        // The two kept for operators serve operators; a third operator stream meets the server-wide cap.
        var operatorChannel = _server.Channel(_pki.Operator(TestServer.ViewerName));
        using var watch1 = new Health.HealthClient(operatorChannel).Watch(new HealthCheckRequest());
        using var watch2 = new Health.HealthClient(operatorChannel).Watch(new HealthCheckRequest());
        Assert.True(await watch1.ResponseStream.MoveNext());
        Assert.True(await watch2.ResponseStream.MoveNext());
        using var watch3 = new Health.HealthClient(operatorChannel).Watch(new HealthCheckRequest());
        var operatorRefusal = await Assert.ThrowsAsync<RpcException>(() => watch3.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.ResourceExhausted, sandboxRefusal.StatusCode);
        Assert.Equal("server stream limit for sandboxes reached (4 open streams; 2 more are kept for operators)", sandboxRefusal.Status.Detail);
        Assert.Equal(StatusCode.ResourceExhausted, operatorRefusal.StatusCode);
        Assert.Equal("server stream limit reached (6 open streams)", operatorRefusal.Status.Detail);
        // The held streams are still served: a new line reaches the first follower.
        var firstClient = _server.Client(await _server.SandboxCertificateAsync(first));
        await PushBigLinesAsync(firstClient, first, 1);
        Assert.True(await held[0].ResponseStream.MoveNext());
        held.ForEach(call => call.Dispose());
    }

    [Fact]
    public async Task IdlePushStreams_RefusedBeyondPerCallerCap_SlotFreedWhenOneCompletes()
    {
        var id = await _server.CreateUniqueSandboxAsync("idlepush");
        var sandbox = _server.Client(await _server.SandboxCertificateAsync(id));

        // Push streams that never send a message; each is admitted once its headers arrive.
        var idle = new List<AsyncClientStreamingCall<PushSandboxLogsRequest, PushSandboxLogsResponse>>();
        for (var i = 0; i < PushesPerCaller; i++)
        {
            idle.Add(sandbox.PushSandboxLogs());
        }

        var admitted = Stopwatch.StartNew();
        while (_server.AuditEvents().Count(e => e.GetProperty("caller").GetString() == "sandbox/" + id && e.GetProperty("rpc").GetString() == "PushSandboxLogs") < PushesPerCaller)
        {
            Assert.True(admitted.Elapsed < TimeSpan.FromSeconds(10), "the idle push streams were not admitted");
            await Task.Delay(20);
        }

        // A deadline, so that a stream wrongly admitted fails the test instead of hanging it.
        using var refused = sandbox.PushSandboxLogs(deadline: DateTime.UtcNow.AddSeconds(10));
        var refusal = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseAsync);
        await idle[0].RequestStream.CompleteAsync();
        var completed = (await idle[0]).AcceptedLines;
        using var again = sandbox.PushSandboxLogs();
        await again.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line("after") } });
        await again.RequestStream.CompleteAsync();

        Assert.Equal(StatusCode.ResourceExhausted, refusal.StatusCode);
        Assert.Equal($"at most {PushesPerCaller} concurrent log push streams per caller", refusal.Status.Detail);
        Assert.Equal(0, completed);
        Assert.Equal(1, (await again).AcceptedLines);
        idle.ForEach(call => call.Dispose());
    }

    [Fact]
    public async Task HealthWatch_CallerDenyListed_EndedUnauthenticated()
    {
        var id = await _server.CreateUniqueSandboxAsync("watcher");
        var certificate = await _server.SandboxCertificateAsync(id);
        using var watch = new Health.HealthClient(_server.Channel(certificate)).Watch(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.True(await watch.ResponseStream.MoveNext());

        await File.AppendAllTextAsync(_server.DenyListPath, certificate.SerialNumber + "\n");
        await _server.WaitUntilDeniedAsync(certificate.SerialNumber);
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Watch ended only after {clock.Elapsed}");
        Assert.Equal("certificate serial is on the deny list", _server.LastDenialReason(certificate.SerialNumber));
    }

    internal static async Task PushBigLinesAsync(V1.SandboxControl.SandboxControlClient client, string id, int count)
    {
        using var push = client.PushSandboxLogs();
        for (var i = 0; i < count; i++)
        {
            await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line(i + new string('x', 16 * 1024 - 8)) } });
        }

        await push.RequestStream.CompleteAsync();
        Assert.Equal(count, (await push).AcceptedLines);
    }

    internal static async Task<StatusCode> FirstMessageAsync(AsyncServerStreamingCall<LogLine> call)
    {
        try
        {
            return await call.ResponseStream.MoveNext() ? StatusCode.OK : StatusCode.Unknown;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
