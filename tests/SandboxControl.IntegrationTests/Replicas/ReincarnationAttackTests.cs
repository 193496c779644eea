using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Replicas;

/// <summary>
/// The attack of issue 12 on two replicas sharing PostgreSQL: tenant A renews its certificate, the sandbox is
/// deleted through replica 1 and at once re-created for tenant B through replica 2, which may not have seen the
/// delete yet. A's renewed certificate must get nothing of B on either replica — also with the replicas' clocks
/// skewed by ±30 s, since nothing may compare clocks of different machines.
/// </summary>
public sealed class ReincarnationAttackTests : IAsyncLifetime, IDisposable
{
    private const string TenantASecret = "tenant-A-secret";
    private const string TenantBSecret = "tenant-B-secret";

    private ReplicaPair? _pair;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.StopAllAsync();
        }
    }

    public void Dispose() => _pair?.Dispose();

    [PostgresTheory]
    [InlineData(0, 0)]
    [InlineData(30, -30)]
    [InlineData(-30, 30)]
    public async Task DeleteOnOneRecreateOnOther_RenewedOldCertificate_UnauthenticatedOnBothNoByteOfNewTenant(int skew1Seconds, int skew2Seconds)
    {
        await StartReplicasAsync(TimeSpan.FromSeconds(skew1Seconds), TimeSpan.FromSeconds(skew2Seconds));
        var replica1 = _pair!.Replica1;
        var replica2 = _pair.Replica2;
        const string Id = "tenant";
        await replica1.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = Id, PolicyDocument = "policy-of-A" });
        await SetTokenAsync(replica1, Id, TenantASecret);
        var issued = await replica1.SandboxCertificateAsync(Id);
        // Tenant A renews at once (the start of the second the sandbox then changes hands in), through replica 1.
        var renewed = await ServerIssuedCertificates.RenewAsync(replica1.Client(issued), Id);
        var asA1 = replica1.Client(renewed);
        var asA2 = replica2.Client(renewed);
        Assert.Equal(TenantASecret, (await asA1.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = Id })).Variables["TOKEN"]);
        await EventuallyAsync(async () => (await asA2.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = Id })).Variables["TOKEN"] == TenantASecret);

        // Delete through replica 1, re-create for B through replica 2 straight away (no waiting for notifications).
        await replica1.Admin.DeleteSandboxAsync(new DeleteSandboxRequest { SandboxId = Id });
        await replica2.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = Id, PolicyDocument = "policy-of-B" });
        await SetTokenAsync(replica2, Id, TenantBSecret);

        // At once, and again once both replicas have certainly caught up.
        await AssertNothingOfBAsync(asA1, asA2, Id);
        var asB = replica1.Client(await replica2.SandboxCertificateAsync(Id));
        await EventuallyAsync(async () => (await asB.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = Id })).Variables["TOKEN"] == TenantBSecret);
        await AssertNothingOfBAsync(asA1, asA2, Id);
        await AssertNothingOfBAsync(replica1.Client(issued), replica2.Client(issued), Id);
    }

    private async Task StartReplicasAsync(TimeSpan skew1, TimeSpan skew2)
    {
        _pair = new ReplicaPair("attack");
        await _pair.StartAsync(1, configureServices: services => services.AddSingleton<TimeProvider>(new SkewedTimeProvider(skew1)));
        await _pair.StartAsync(2, configureServices: services => services.AddSingleton<TimeProvider>(new SkewedTimeProvider(skew2)));
    }

    private static async Task AssertNothingOfBAsync(V1.SandboxControl.SandboxControlClient onReplica1, V1.SandboxControl.SandboxControlClient onReplica2, string id)
    {
        foreach (var client in new[] { onReplica1, onReplica2 })
        {
            var env = await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxProviderEnvironmentAsync(new GetSandboxProviderEnvironmentRequest { SandboxId = id }).ResponseAsync);
            var policy = await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id }).ResponseAsync);
            var logs = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = client.GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id });
                await foreach (var line in call.ResponseStream.ReadAllAsync())
                {
                    Assert.Fail("a log line came back: " + line.Message);
                }
            });
            foreach (var ex in new[] { env, policy, logs })
            {
                Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
                Assert.DoesNotContain(TenantBSecret, ex.Status.Detail, StringComparison.Ordinal);
                Assert.DoesNotContain("policy-of-B", ex.Status.Detail, StringComparison.Ordinal);
            }
        }
    }

    private static async Task SetTokenAsync(TestServer server, string id, string token)
    {
        var request = new SetSandboxProviderEnvironmentRequest { SandboxId = id };
        request.Variables["TOKEN"] = token;
        await server.Admin.SetSandboxProviderEnvironmentAsync(request);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (RpcException) when (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "condition not met within 10 s");
            await Task.Delay(20);
        }
    }

    private sealed class SkewedTimeProvider(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + skew;
    }
}
