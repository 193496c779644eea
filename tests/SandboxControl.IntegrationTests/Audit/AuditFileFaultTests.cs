using System.Collections.Concurrent;
using System.Text.Json;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Audit;

/// <summary>
/// The audit file under real faults (tmpfs disk full, chattr, rm, rename), then compared line by line with what
/// each client saw: no event for a refused call, an event for every served one, no torn line.
/// </summary>
public sealed class AuditFileFaultTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("audit-fault");

    [RootFact]
    public async Task DiskFull_DuringLoad_ThenSpaceReturns_EveryEventMatchesWhatItsClientSaw()
    {
        var mount = _data.Combine("tmpfs");
        Directory.CreateDirectory(mount);
        using var tmpfs = FaultTools.MountTmpfs(mount, "2m");
        var auditPath = Path.Combine(mount, "audit.log");
        await using var server = await TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string> { ["Audit:Path"] = auditPath });
        var outcomes = new ConcurrentDictionary<string, StatusCode>(StringComparer.Ordinal);

        await ProbeAsync(server, "before", 20, outcomes);
        var filler = FaultTools.Fill(mount);
        await ProbeAsync(server, "full", 300, outcomes);
        File.Delete(filler);
        await ProbeAsync(server, "after", 50, outcomes);

        var events = ReadEvents(auditPath);
        var recorded = events.Where(e => e.GetProperty("rpc").GetString()!.EndsWith("GetSandbox", StringComparison.Ordinal))
            .Select(e => e.GetProperty("target").GetString()!).ToList();
        // The probes ask for sandboxes that do not exist: NotFound means the call was audited and served.
        Assert.Contains(outcomes.Values, status => status == StatusCode.Unavailable);
        Assert.All(outcomes.Where(o => o.Key.StartsWith("after", StringComparison.Ordinal)), o => Assert.Equal(StatusCode.NotFound, o.Value));
        Assert.All(outcomes.Values, status => Assert.True(status is StatusCode.NotFound or StatusCode.Unavailable, status.ToString()));
        Assert.Equal(recorded.Count, recorded.Distinct(StringComparer.Ordinal).Count());
        Assert.All(recorded, target => Assert.Equal(StatusCode.NotFound, outcomes[target]));
        Assert.Equal(outcomes.Where(o => o.Value == StatusCode.NotFound).Select(o => o.Key).Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
    }

    [RootFact]
    public async Task AppendOnlyFile_ChattrPlusA_ServerStartsAndRecords()
    {
        var auditPath = _data.Combine("audit.log");
        await File.WriteAllTextAsync(auditPath, string.Empty);
        FaultTools.Chattr("+a", auditPath);
        try
        {
            await using var server = await TestServer.StartAsync(_pki, _data.Path);
            await server.CreateSandboxAsync("appendonly", "p");

            Assert.Contains(ReadEvents(auditPath), e => e.GetProperty("target").ValueKind == JsonValueKind.String && e.GetProperty("target").GetString() == "appendonly");
        }
        finally
        {
            FaultTools.Chattr("-a", auditPath);
        }
    }

    [RootFact]
    public async Task ImmutableFile_CallsRefusedUnavailable_NotRecordedLater_ThenServedAgain()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        var outcomes = new ConcurrentDictionary<string, StatusCode>(StringComparer.Ordinal);
        await ProbeAsync(server, "ok1-", 3, outcomes);
        FaultTools.Chattr("+i", server.AuditPath);
        try
        {
            await ProbeAsync(server, "refused-", 5, outcomes);
        }
        finally
        {
            FaultTools.Chattr("-i", server.AuditPath);
        }

        await ProbeAsync(server, "ok2-", 3, outcomes);

        Assert.All(outcomes.Where(o => o.Key.StartsWith("refused-", StringComparison.Ordinal)), o => Assert.Equal(StatusCode.Unavailable, o.Value));
        Assert.All(outcomes.Where(o => o.Key.StartsWith("ok", StringComparison.Ordinal)), o => Assert.Equal(StatusCode.NotFound, o.Value));
        var targets = Targets(server.AuditPath);
        Assert.DoesNotContain(targets, t => t.StartsWith("refused-", StringComparison.Ordinal));
        Assert.Equal(6, targets.Count(t => t.StartsWith("ok", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DeletedFile_NoticedAndNewFileStartedWithEventSayingSo()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        await server.CreateSandboxAsync("before-rm", "p");

        File.Delete(server.AuditPath);
        await server.CreateSandboxAsync("after-rm", "p");

        var events = ReadEvents(server.AuditPath);
        Assert.Equal("server/audit-file", events[0].GetProperty("rpc").GetString());
        Assert.Contains(Targets(server.AuditPath), t => t == "after-rm");
        Assert.DoesNotContain(Targets(server.AuditPath), t => t == "before-rm");
    }

    [Fact]
    public async Task RotatedFile_OldKeepsItsEvents_NewFileStartsWithEventSayingSo()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        await server.CreateSandboxAsync("before-rotate", "p");
        var rotated = server.AuditPath + ".1";

        File.Move(server.AuditPath, rotated);
        await server.CreateSandboxAsync("after-rotate", "p");

        Assert.Contains(Targets(rotated), t => t == "before-rotate");
        Assert.DoesNotContain(Targets(rotated), t => t == "after-rotate");
        Assert.Equal("server/audit-file", ReadEvents(server.AuditPath)[0].GetProperty("rpc").GetString());
        Assert.Contains(Targets(server.AuditPath), t => t == "after-rotate");
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    /// <summary>GetSandbox of ids that do not exist, 16 at a time: NotFound if audited, Unavailable if the audit refused.</summary>
    private static async Task ProbeAsync(TestServer server, string prefix, int count, ConcurrentDictionary<string, StatusCode> outcomes) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            var id = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                await server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = id }, cancellationToken: cancellationToken);
                outcomes[id] = StatusCode.OK;
            }
            catch (RpcException ex)
            {
                outcomes[id] = ex.StatusCode;
            }
        });

    /// <summary>Every line must be a whole event (empty lines would mark a tear; none are expected where truncation works).</summary>
    internal static List<JsonElement> ReadEvents(string path)
    {
        var events = new List<JsonElement>();
        foreach (var line in File.ReadAllLines(path))
        {
            events.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return events;
    }

    private static List<string> Targets(string path) =>
        [.. ReadEvents(path).Where(e => e.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.String).Select(e => e.GetProperty("target").GetString()!)];
}
