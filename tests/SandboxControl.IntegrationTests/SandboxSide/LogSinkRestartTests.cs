using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Client;
using SandboxControl.Client.Logs;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>
/// 10,000 lines pushed through the log sink while the server (a child process on a SQLite file) is
/// SIGKILLed and restarted on the same port: with the buffer larger than the gap, none is lost; a batch
/// in flight at the kill may be stored twice (at least once delivery).
/// </summary>
public sealed class LogSinkRestartTests(ITestOutputHelper output) : IDisposable
{
    private const int Lines = 10_000;
    private const int BatchLines = 200;

    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("logsink");

    [Fact]
    public async Task PushTenThousandLines_ServerKilledAndRestarted_NoneLost()
    {
        // Retention above the line count, so nothing stored is trimmed before it is counted.
        var settings = new Dictionary<string, string> { ["Storage:LogRetentionLines"] = "50000" };
        var first = ServerProcess.Start(await TestServer.ArgumentsAsync(_pki, _data.Path, settings), _data.Path);
        ServerProcess? second = null;
        try
        {
            var address = await first.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
            const string Id = "log-restart";
            using (var adminChannel = GrpcClients.Channel(address, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName)))
            {
                await GrpcClients.Client(adminChannel).CreateSandboxAsync(new CreateSandboxRequest { SandboxId = Id, PolicyDocument = "p" });
            }

            X509Certificate2 certificate;
            using (var issuerChannel = GrpcClients.Channel(address, _pki.Ca.Certificate, _pki.Operator(TestServer.IssuerName)))
            {
                certificate = await ServerIssuedCertificates.IssueAsync(GrpcClients.Client(issuerChannel), Id);
            }

            using var files = new SandboxFiles(certificate);
            await using var client = SandboxClient.Create(files.Options(address, _pki.CaPath));
            var sink = client.CreateLogSink(new SandboxLogSinkOptions
            {
                Capacity = Lines,
                MaxBatchLines = BatchLines,
                FlushInterval = TimeSpan.FromMilliseconds(50),
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(1),
            });

            var clock = Stopwatch.StartNew();
            // The first half is written before the kill, the second while the server is down or restarting.
            for (var i = 0; i < Lines / 2; i++)
            {
                sink.Write(LogSeverity.Info, "restart-test", $"line-{i:D5}");
                if (i % 100 == 99)
                {
                    await Task.Delay(10);
                }
            }

            // Killed only once enough is acknowledged, however slow the machine: the restart happens mid-stream.
            var acknowledgedDeadline = clock.Elapsed + TimeSpan.FromSeconds(30);
            while (sink.SentLines < 3_000)
            {
                Assert.True(clock.Elapsed < acknowledgedDeadline, $"only {sink.SentLines} lines acknowledged within 30 s");
                await Task.Delay(10);
            }

            var killedAtAcknowledged = sink.SentLines;
            first.KillHard();
            second = ServerProcess.Start(
                await TestServer.ArgumentsAsync(_pki, _data.Path, new Dictionary<string, string>(settings) { ["Server:Port"] = address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                _data.Path);
            for (var i = Lines / 2; i < Lines; i++)
            {
                sink.Write(LogSeverity.Info, "restart-test", $"line-{i:D5}");
            }

            Assert.NotNull(second);
            Assert.Equal(address, await second.WaitUntilListeningAsync(TimeSpan.FromSeconds(60)));
            await sink.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await sink.DisposeAsync();
            var elapsed = clock.Elapsed;

            using var verifyChannel = GrpcClients.Channel(address, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName));
            var stored = await Security.SandboxIsolationTests.ReadAllAsync(
                GrpcClients.Client(verifyChannel).GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = Id }));
            var messages = stored.Select(line => line.Message).ToList();
            var unique = messages.ToHashSet(StringComparer.Ordinal);
            var distinct = unique.Count;
            var missing = Enumerable.Range(0, Lines).Count(i => !unique.Contains($"line-{i:D5}"));
            output.WriteLine(
                $"written {sink.WrittenLines}, acknowledged {sink.SentLines}, dropped {sink.DroppedLines}, rejected {sink.RejectedLines}, failed pushes {sink.FailedPushes}; "
                + $"killed after {killedAtAcknowledged} acknowledged; stored {messages.Count} ({distinct} distinct, {messages.Count - distinct} duplicates, {missing} missing); {elapsed.TotalSeconds:F1}s");

            Assert.Equal(0, sink.DroppedLines);
            Assert.Equal(0, missing);
            Assert.True(sink.FailedPushes > 0, "the restart was not noticed by the sink");
            // At least once: only the one batch in flight at the kill may have been stored twice.
            Assert.InRange(messages.Count - distinct, 0, BatchLines);
        }
        finally
        {
            first.Dispose();
            second?.Dispose();
        }
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
