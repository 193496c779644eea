using System.Diagnostics;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.IntegrationTests.Security;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Logs;

/// <summary>100,000 pushed lines: the retention cap holds and the server's memory stays bounded.</summary>
public sealed class LogVolumeTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const int Retention = 5_000;
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("logvolume");
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
    {
        ["Storage:LogRetentionLines"] = Retention.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task PushHundredThousandLines_RetentionCapHoldsAndMemoryBounded()
    {
        var sandbox = await _server.CreateSandboxAsync("chatty", "p");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();

        using (var push = sandbox.PushSandboxLogs())
        {
            for (var batch = 0; batch < 100; batch++)
            {
                var message = new PushSandboxLogsRequest { SandboxId = "chatty" };
                for (var i = 0; i < 1000; i++)
                {
                    message.Lines.Add(SandboxIsolationTests.Line($"line {(batch * 1000) + i:D6} " + new string('.', 100)));
                }

                // WriteAsync completes only as HTTP/2 flow control lets it: backpressure, not buffering.
                await push.RequestStream.WriteAsync(message);
            }

            await push.RequestStream.CompleteAsync();
            Assert.Equal(100_000, (await push).AcceptedLines);
        }

        var elapsed = clock.Elapsed;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var lines = await SandboxIsolationTests.ReadAllAsync(sandbox.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = "chatty" }));
        output.WriteLine($"100000 lines in {elapsed.TotalSeconds:F1} s; managed heap {before / 1048576} MiB -> {after / 1048576} MiB");

        Assert.Equal(Retention, lines.Count);
        Assert.StartsWith("line 095000", lines[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("line 099999", lines[^1].Message, StringComparison.Ordinal);
        Assert.Equal(100_000, lines[^1].Sequence);
        Assert.True(after - before < 64 * 1024 * 1024, $"managed heap grew by {(after - before) / 1048576} MiB");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }
}
