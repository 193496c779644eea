using System.Diagnostics;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Storage;

/// <summary>
/// PostgreSQL stopped under a running server (its own private cluster, never the shared one): writes answer
/// Unavailable — before and after the replica's sandbox directory goes stale — never NotFound or Unknown.
/// </summary>
public sealed class PostgresOutageTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("pg-outage");

    [PrivatePostgresFact]
    public async Task PostgresStopped_WritesUnavailableNotNotFound_ThenServedAfterRestart()
    {
        using var cluster = PrivatePostgresCluster.Create();
        await using var server = await StartOnAsync(cluster, "Storage:PostgresMaxStaleness", "00:00:01");
        await server.CreateSandboxAsync("p1", "p");

        cluster.Stop();
        var statuses = new List<StatusCode>();
        // Past the staleness bound too: both the failing connection and the stale directory must say Unavailable.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2.5))
        {
            statuses.Add(await StatusOfAsync(() => server.Admin.SetSandboxProviderEnvironmentAsync(new SetSandboxProviderEnvironmentRequest { SandboxId = "p1", Variables = { ["K"] = "v" } }).ResponseAsync));
            statuses.Add(await StatusOfAsync(() => server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = "p1", ExpectedVersion = 1, Document = "q" }).ResponseAsync));
            statuses.Add(await StatusOfAsync(() => server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "p2" }).ResponseAsync));
        }

        cluster.Start();
        // Back: the pool replaces its broken connections; wait (with a deadline) until a write goes through.
        var after = StatusCode.Unavailable;
        var deadline = Stopwatch.StartNew();
        while (after == StatusCode.Unavailable && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            after = await StatusOfAsync(() => server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = "p1", ExpectedVersion = 1, Document = "after" }).ResponseAsync);
        }

        Assert.All(statuses, status => Assert.Equal(StatusCode.Unavailable, status));
        Assert.True(statuses.Count >= 6, $"only {statuses.Count} calls during the outage");
        // No write of the outage happened: the policy is still at version 1, so the update with expected 1 wins now.
        Assert.Equal(StatusCode.OK, after);
    }

    [PrivatePostgresFact]
    public async Task PostgresStopped_RefusalsAuditedInTheFile_CopiedToTheIndexOnceItIsBack()
    {
        using var cluster = PrivatePostgresCluster.Create();
        await using var server = await StartOnAsync(cluster, "Audit:Replica", "outage-replica");
        await server.CreateSandboxAsync("p1", "p");

        cluster.Stop();
        var during = await StatusOfAsync(() => server.Admin.UpdateSandboxPolicyAsync(new UpdateSandboxPolicyRequest { SandboxId = "p1", ExpectedVersion = 1, Document = "during-outage" }).ResponseAsync);
        var query = await StatusOfAsync(() => server.Admin.ListAuditEventsAsync(new ListAuditEventsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, during);
        Assert.Equal(StatusCode.Unavailable, query);
        // The file, written before the call proceeded, has the decision while the index cannot be reached.
        Assert.Contains(server.AuditEvents(), e => e.GetProperty("rpc").GetString() == "UpdateSandboxPolicy");

        cluster.Start();
        var request = new ListAuditEventsRequest { FilterSandboxId = "p1", Rpc = "UpdateSandboxPolicy" };
        var events = new List<AuditEventRecord>();
        var deadline = Stopwatch.StartNew();
        while (events.Count == 0 && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                events = [.. (await server.Admin.ListAuditEventsAsync(request)).Events];
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
            }

            await Task.Delay(100);
        }

        var copied = Assert.Single(events);
        Assert.Equal("outage-replica", copied.Replica);
        Assert.Equal("operator/" + TestServer.AdminName, copied.Caller);
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private Task<TestServer> StartOnAsync(PrivatePostgresCluster cluster, string setting, string value) =>
        TestServer.StartAsync(_pki, _data.Path, new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:PostgresConnectionString"] = cluster.ConnectionString,
            [setting] = value,
        });

    private static async Task<StatusCode> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }
}
