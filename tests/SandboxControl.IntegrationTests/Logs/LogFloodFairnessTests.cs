using System.Diagnostics;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Logs;

/// <summary>
/// One sandbox floods PushSandboxLogs on 16 streams; another sandbox's ReportPolicyStatus and an admin's
/// UpdateSandboxPolicy must not queue behind it (group commit with per-sandbox round robin, bounded batches).
/// </summary>
public sealed class LogFloodFairnessTests(ITestOutputHelper output) : IDisposable
{
    private const int FloodStreams = 16;
    private const int LinesPerMessage = 200;

    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("flood");

    [Fact]
    public async Task Flood16Streams_OtherSandboxAndAdminWritesStayFast_AndEveryAcknowledgedLineStored()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        var flooder = await server.CreateSandboxAsync("flooder", "p");
        var victim = await server.CreateSandboxAsync("victim", "p");
        // Connections up before the flood: the measurement is of the writes, not of TLS handshakes.
        await victim.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = "victim", Version = 1, Status = PolicyStatus.Loaded });
        await server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = "victim" });
        using var stop = new CancellationTokenSource();
        long acknowledged = 0;

        var flood = Enumerable.Range(0, FloodStreams).Select(_ => Task.Run(async () =>
        {
            using var push = flooder.PushSandboxLogs();
            var message = new PushSandboxLogsRequest { SandboxId = "flooder" };
            message.Lines.AddRange(Enumerable.Range(0, LinesPerMessage).Select(i => new LogLine { Level = V1.LogLevel.Info, Source = "flood", Message = "line " + i }));
            while (!stop.IsCancellationRequested)
            {
                await push.RequestStream.WriteAsync(message);
            }

            await push.RequestStream.CompleteAsync();
            Interlocked.Add(ref acknowledged, (await push).AcceptedLines);
        })).ToList();

        // Let the flood build up before measuring.
        await Task.Delay(300);
        var statusLatencies = new List<double>();
        var updateLatencies = new List<double>();
        var version = 1L;
        var measuring = Stopwatch.StartNew();
        while (measuring.Elapsed < TimeSpan.FromSeconds(3))
        {
            var clock = Stopwatch.StartNew();
            await victim.ReportPolicyStatusAsync(new ReportPolicyStatusRequest { SandboxId = "victim", Version = version, Status = PolicyStatus.Loaded });
            statusLatencies.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var updated = await server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = "victim", ExpectedVersion = version, Document = "p" + version });
            updateLatencies.Add(clock.Elapsed.TotalMilliseconds);
            version = updated.Version;
        }

        await stop.CancelAsync();
        await Task.WhenAll(flood);

        var stored = await CountLinesAsync(server, "flooder");
        output.WriteLine($"flood acknowledged {acknowledged} lines; victims: ReportPolicyStatus p50 {P(statusLatencies, 0.5):F1} ms p99 {P(statusLatencies, 0.99):F1} ms (n={statusLatencies.Count}); UpdateSandboxPolicy p50 {P(updateLatencies, 0.5):F1} ms p99 {P(updateLatencies, 0.99):F1} ms (n={updateLatencies.Count})");
        Assert.True(acknowledged > 0);
        Assert.Equal(Math.Min(acknowledged, 10_000), stored);
        // Goal 100 ms; the bound here leaves room for a loaded 2-core CI machine while still catching a writer that
        // makes victims wait behind the flood's queue (seconds). The deterministic check is LogCommitQueueTests.
        Assert.True(P(statusLatencies, 0.99) < 1000, $"ReportPolicyStatus p99 {P(statusLatencies, 0.99):F1} ms");
        Assert.True(P(updateLatencies, 0.99) < 1000, $"UpdateSandboxPolicy p99 {P(updateLatencies, 0.99):F1} ms");
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private static double P(List<double> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];
    }

    private static async Task<long> CountLinesAsync(TestServer server, string sandboxId)
    {
        long count = 0;
        using var call = server.Admin.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = sandboxId });
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            count++;
        }

        return count;
    }
}
