using System.Collections.Concurrent;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>
/// The server as a child process, SIGKILLed while policy updates are in flight, then restarted on the same store:
/// every acknowledged update is there, history has no gap, and the store opens without repair.
/// </summary>
public sealed class KillDurabilityTests(ITestOutputHelper output) : IDisposable
{
    private const int SandboxCount = 4;
    private const int KillAfterAcknowledged = 150;

    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("kill9");

    [Fact]
    public Task Sqlite_KilledMidStream_EveryAcknowledgedUpdateSurvives() => RunAsync("sqlite", settings: null);

    [PostgresFact]
    public async Task Postgres_KilledMidStream_EveryAcknowledgedUpdateSurvives()
    {
        using var database = new ReplicaDatabase();
        await RunAsync("postgres", database.Settings());
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private async Task RunAsync(string engine, Dictionary<string, string>? settings)
    {
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path, settings);
        var ids = Enumerable.Range(0, SandboxCount).Select(i => $"durable-{i}").ToArray();
        var acknowledged = new ConcurrentDictionary<(string Id, long Version), string>();
        var failures = new ConcurrentBag<StatusCode>();

        using (var server = ServerProcess.Start(arguments, _data.Path))
        {
            var address = await server.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
            using var channel = GrpcClients.Channel(address, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName));
            var admin = GrpcClients.Client(channel);
            foreach (var id in ids)
            {
                await admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = id, PolicyDocument = id + "-v1" });
                acknowledged[(id, 1)] = id + "-v1";
            }

            var total = 0;
            var workers = ids.Select(id => Task.Run(async () =>
            {
                var version = 1L;
                while (true)
                {
                    try
                    {
                        var document = $"{id}-v{version + 1}";
                        var policy = await admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = id, ExpectedVersion = version, Document = document });
                        acknowledged[(id, policy.Version)] = policy.Document;
                        version = policy.Version;
                        if (Interlocked.Increment(ref total) == KillAfterAcknowledged)
                        {
                            // SIGKILL while the other workers' updates are in flight.
                            server.KillHard();
                        }
                    }
                    catch (RpcException ex)
                    {
                        failures.Add(ex.StatusCode);
                        return;
                    }
                }
            })).ToArray();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        using var restarted = ServerProcess.Start(arguments, _data.Path);
        var restartedAddress = await restarted.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        using var verifyChannel = GrpcClients.Channel(restartedAddress, _pki.Ca.Certificate, _pki.Operator(TestServer.AdminName));
        var verify = GrpcClients.Client(verifyChannel);

        var unacknowledgedButStored = 0;
        foreach (var id in ids)
        {
            var history = (await verify.ListSandboxPoliciesAsync(new ListSandboxPoliciesRequest { SandboxId = id })).Policies
                .Select(entry => entry.Policy)
                .ToList();
            var newest = history[0].Version;
            Assert.Equal(Enumerable.Range(1, (int)newest).Reverse().Select(v => (long)v), history.Select(policy => policy.Version));
            var acknowledgedHere = acknowledged.Where(pair => pair.Key.Id == id).ToList();
            Assert.True(newest >= acknowledgedHere.Max(pair => pair.Key.Version));
            foreach (var ((_, version), document) in acknowledgedHere)
            {
                Assert.Equal(document, history.Single(policy => policy.Version == version).Document);
            }

            // At most the one update that was in flight when the process died may have committed unacknowledged.
            var extra = newest - acknowledgedHere.Max(pair => pair.Key.Version);
            Assert.InRange(extra, 0, 1);
            unacknowledgedButStored += (int)extra;
        }

        output.WriteLine(
            $"{engine}: SIGKILL after {KillAfterAcknowledged} acknowledged updates; {acknowledged.Count - SandboxCount} acknowledged in total, all present after restart; "
            + $"{unacknowledgedButStored} in-flight update(s) committed without acknowledgement; client errors at kill: {string.Join(", ", failures.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}"))}");
    }
}
