using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SandboxControl.Server.Audit;
using Xunit;

namespace SandboxControl.Tests.Audit;

public sealed class FileAuditSinkTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("audit-sink-").FullName;

    private string AuditPath => Path.Combine(_directory, "audit.log");

    [Fact]
    public async Task ConcurrentEvents_ShareWritesAndFsyncs_EveryEventOneWholeLine()
    {
        using var sink = NewSink();

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => sink.WriteAsync(Event("t" + i)))));

        var lines = File.ReadAllLines(AuditPath);
        Assert.Equal(400, lines.Length);
        Assert.Equal(400, lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("target").GetString()).Distinct().Count());
        // Group commit: far fewer write+fsync batches than events.
        Assert.True(sink.Batches < 400, $"{sink.Batches} batches for 400 events");
    }

    [Fact]
    public async Task EventCarriesReplica_AndIsDurableWhenTheTaskCompletes()
    {
        using var sink = NewSink();

        await sink.WriteAsync(Event("one"));

        var line = Assert.Single(File.ReadAllLines(AuditPath));
        Assert.Equal("replica-a", JsonDocument.Parse(line).RootElement.GetProperty("replica").GetString());
    }

    [Fact]
    public async Task AfterClose_WritesRefused_AndStopEventRecorded()
    {
        var sink = NewSink();
        await sink.WriteAsync(Event("before"));

        Assert.Null(await sink.CloseAsync());

        await Assert.ThrowsAsync<ObjectDisposedException>(() => sink.WriteAsync(Event("after")));
        var lines = File.ReadAllLines(AuditPath);
        Assert.Equal(2, lines.Length);
        Assert.Equal("server/stop", JsonDocument.Parse(lines[1]).RootElement.GetProperty("rpc").GetString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private FileAuditSink NewSink() =>
        new(Options.Create(new AuditOptions { Path = AuditPath, Replica = "replica-a" }), TimeProvider.System, NullLogger<FileAuditSink>.Instance);

    private static AuditEvent Event(string target) =>
        new(DateTimeOffset.UnixEpoch, "operator/admin", "01", "GetSandbox", target, true, "OK", "role admin");
}
