using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>With PostgreSQL, ListAuditEvents on any replica answers with the events of every replica.</summary>
public sealed class AuditIndexTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan ShippingBound = TimeSpan.FromSeconds(10);

    private ReplicaPair? _pair;

    public async Task InitializeAsync()
    {
        if (ReplicaDatabase.SkipReason is not null)
        {
            return;
        }

        _pair = new ReplicaPair("audit-index");
        await _pair.StartAsync(1, Named("replica-one"));
        await _pair.StartAsync(2, Named("replica-two"));
    }

    public async Task DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.StopAllAsync();
        }
    }

    public void Dispose() => _pair?.Dispose();

    private TestServer Replica1 => _pair!.Replica1;

    private TestServer Replica2 => _pair!.Replica2;

    [PostgresFact]
    public async Task ListAuditEvents_OnEitherReplica_HoldsTheRefusalsOfBoth()
    {
        await Replica1.CreateSandboxAsync("idx-a", "p");
        await Replica1.CreateSandboxAsync("idx-b", "p");
        var certificate = await Replica1.SandboxCertificateAsync("idx-a");
        var onOne = Replica1.Client(certificate);
        var onTwo = Replica2.Client(certificate);
        Assert.Equal(StatusCode.PermissionDenied, await RefusalAsync(onOne));
        // Replica two learns of the sandbox and its certificate by notification: until then it says Unauthenticated.
        await WaitForAsync(async () => await RefusalAsync(onTwo) == StatusCode.PermissionDenied ? "" : null);

        var request = new ListAuditEventsRequest { FilterSandboxId = "idx-b", Decision = AuditDecisionFilter.AuditDecisionDenied };
        foreach (var replica in new[] { Replica1, Replica2 })
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
            var replica = i % 2 == 0 ? Replica1 : Replica2;
            await replica.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = $"idx-page-{i}", PolicyDocument = "p" });
        }

        var request = new ListAuditEventsRequest { Rpc = "CreateSandbox", PageSize = 4 };
        await WaitForAsync(async () => (await Replica1.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { Rpc = "CreateSandbox", PageSize = 100 })).Events.Count(e => e.Target.StartsWith("idx-page-", StringComparison.Ordinal)) == 6 ? "" : null);
        var seen = new List<AuditEventRecord>();
        do
        {
            var page = await Replica2.Admin.ListAuditEventsAsync(request);
            Assert.InRange(page.Events.Count, 0, 4);
            seen.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        var targets = seen.Select(e => e.Target).Where(t => t.StartsWith("idx-page-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"idx-page-{i}").Order(), targets.Order());
        Assert.Equal(seen.Select(e => e.Time.ToDateTimeOffset()).Order(), seen.Select(e => e.Time.ToDateTimeOffset()));
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => Replica1.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { PageToken = "i.1.2.zz.eA" }).ResponseAsync)).StatusCode);
    }

    [PostgresFact]
    public async Task Restart_EventsWrittenAfterTheLastShipment_ShippedOnceFromTheFile()
    {
        await Replica1.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "idx-restart", PolicyDocument = "p" });
        var created = new ListAuditEventsRequest { FilterSandboxId = "idx-restart", Rpc = "CreateSandbox" };
        await WaitForAsync(async () => (await Replica2.Admin.ListAuditEventsAsync(created)).Events.Count == 1 ? "" : null);

        // An event the process wrote but never shipped (killed right after its fsync): only the file has it.
        var auditPath = Replica1.AuditPath;
        await _pair!.StopAsync(1);
        await File.AppendAllTextAsync(auditPath, "{\"time\":\"2026-01-01T00:00:00+00:00\",\"caller\":\"operator/ghost\",\"certificateSerial\":null,\"rpc\":\"DeleteSandbox\",\"target\":\"idx-restart\",\"allowed\":true,\"status\":\"OK\",\"reason\":\"unshipped\",\"replica\":\"replica-one\"}\n");
        await _pair.StartAsync(1, Named("replica-one"));

        var unshipped = new ListAuditEventsRequest { Caller = "operator/ghost" };
        var shipped = await WaitForAsync(async () => (await Replica2.Admin.ListAuditEventsAsync(unshipped)).Events.SingleOrDefault());
        Assert.Equal("unshipped", shipped.Reason);
        Assert.Equal("replica-one", shipped.Replica);
        Assert.Single((await Replica1.Admin.ListAuditEventsAsync(created)).Events);
    }

    private static async Task<StatusCode> RefusalAsync(V1.SandboxControl.SandboxControlClient client) =>
        (await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "idx-b" }).ResponseAsync)).StatusCode;

    private static Dictionary<string, string> Named(string replica) => new() { ["Audit:Replica"] = replica };

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
