using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>With PostgreSQL, ListAuditEvents on any replica answers with the events of every replica.</summary>
public sealed class AuditIndexTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan ShippingBound = TimeSpan.FromSeconds(10);

    private readonly TestPki _pki = new();
    private readonly TempDirectory _data1 = new("audit-index1");
    private readonly TempDirectory _data2 = new("audit-index2");
    private ReplicaDatabase? _database;
    private TestServer? _replica1;
    private TestServer? _replica2;

    public async Task InitializeAsync()
    {
        if (ReplicaDatabase.SkipReason is not null)
        {
            return;
        }

        _database = new ReplicaDatabase();
        _replica1 = await StartAsync(_data1, "replica-one");
        _replica2 = await StartAsync(_data2, "replica-two");
    }

    public async Task DisposeAsync()
    {
        if (_replica1 is not null)
        {
            await _replica1.DisposeAsync();
        }

        if (_replica2 is not null)
        {
            await _replica2.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _database?.Dispose();
        _data1.Dispose();
        _data2.Dispose();
        _pki.Dispose();
    }

    [PostgresFact]
    public async Task ListAuditEvents_OnEitherReplica_HoldsTheRefusalsOfBoth()
    {
        await _replica1!.CreateSandboxAsync("idx-a", "p");
        await _replica1.CreateSandboxAsync("idx-b", "p");
        var certificate = await _replica1.SandboxCertificateAsync("idx-a");
        var onOne = _replica1.Client(certificate);
        var onTwo = _replica2!.Client(certificate);
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(onOne));
        // Replica two learns of the sandbox and its certificate by notification: until then it says Unauthenticated.
        await WaitForAsync(async () => await RefusalAsync(onTwo) == StatusCode.PermissionDenied ? "" : null);

        var request = new ListAuditEventsRequest { FilterSandboxId = "idx-b", Decision = AuditDecisionFilter.AuditDecisionDenied };
        foreach (var replica in new[] { _replica1, _replica2! })
        {
            var events = await WaitForAsync(async () =>
            {
                var page = await replica.Admin.ListAuditEventsAsync(request);
                return page.Events.Count >= 2 ? page.Events : null;
            });

            Assert.Equal(["replica-one", "replica-two"], events.Select(e => e.Replica).Order());
            Assert.All(events, e => Assert.Equal("sandbox/idx-a", e.Caller));
            Assert.All(events, e => Assert.Equal("PermissionDenied", e.Status));
            Assert.All(events, e => Assert.False(e.Allowed));
        }
    }

    [PostgresFact]
    public async Task ListAuditEvents_PagedAcrossReplicas_EveryEventOnceInTimeOrder()
    {
        for (var i = 0; i < 6; i++)
        {
            var replica = i % 2 == 0 ? _replica1! : _replica2!;
            await replica.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = $"idx-page-{i}", PolicyDocument = "p" });
        }

        var request = new ListAuditEventsRequest { Rpc = "CreateSandbox", PageSize = 4 };
        await WaitForAsync(async () => (await _replica1!.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { Rpc = "CreateSandbox", PageSize = 100 })).Events.Count(e => e.Target.StartsWith("idx-page-", StringComparison.Ordinal)) == 6 ? "" : null);
        var seen = new List<AuditEventRecord>();
        do
        {
            var page = await _replica2!.Admin.ListAuditEventsAsync(request);
            Assert.InRange(page.Events.Count, 0, 4);
            seen.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        var targets = seen.Select(e => e.Target).Where(t => t.StartsWith("idx-page-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"idx-page-{i}").Order(), targets.Order());
        Assert.Equal(seen.Select(e => e.Time.ToDateTimeOffset()).Order(), seen.Select(e => e.Time.ToDateTimeOffset()));
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => _replica1!.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { PageToken = "i.1.2.zz.eA" }).ResponseAsync)).StatusCode);
    }

    [PostgresFact]
    public async Task Restart_EventsWrittenAfterTheLastShipment_ShippedOnceFromTheFile()
    {
        await _replica1!.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "idx-restart", PolicyDocument = "p" });
        var created = new ListAuditEventsRequest { FilterSandboxId = "idx-restart", Rpc = "CreateSandbox" };
        await WaitForAsync(async () => (await _replica2!.Admin.ListAuditEventsAsync(created)).Events.Count == 1 ? "" : null);

        // An event the process wrote but never shipped (killed right after its fsync): only the file has it.
        var auditPath = _replica1.AuditPath;
        await _replica1.DisposeAsync();
        _replica1 = null;
        await File.AppendAllTextAsync(auditPath, "{\"time\":\"2026-01-01T00:00:00+00:00\",\"caller\":\"operator/ghost\",\"certificateSerial\":null,\"rpc\":\"DeleteSandbox\",\"target\":\"idx-restart\",\"allowed\":true,\"status\":\"OK\",\"reason\":\"unshipped\",\"replica\":\"replica-one\"}\n");
        _replica1 = await StartAsync(_data1, "replica-one");

        var unshipped = new ListAuditEventsRequest { Caller = "operator/ghost" };
        var shipped = await WaitForAsync(async () => (await _replica2!.Admin.ListAuditEventsAsync(unshipped)).Events.SingleOrDefault());
        Assert.Equal("unshipped", shipped.Reason);
        Assert.Equal("replica-one", shipped.Replica);
        Assert.Single((await _replica1.Admin.ListAuditEventsAsync(created)).Events);
    }

    private static async Task<StatusCode> RefusalAsync(V1.SandboxControl.SandboxControlClient client) =>
        (await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "idx-b" }).ResponseAsync)).StatusCode;

    private Task<TestServer> StartAsync(TempDirectory data, string replica)
    {
        var settings = _database!.Settings(data == _data1 ? null : _data1.Combine("secrets.key"));
        settings["Audit:Replica"] = replica;
        return TestServer.StartAsync(_pki, data.Path, settings);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> attempt)
        where T : class
    {
        var deadline = DateTime.UtcNow + ShippingBound;
        while (true)
        {
            try
            {
                if (await attempt() is { } result)
                {
                    return result;
                }
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "not seen within " + ShippingBound);
            await Task.Delay(50);
        }
    }
}
