using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Audit;

/// <summary>ListAuditEvents: filters, paging, and a torn last line skipped and counted, never returned.</summary>
public sealed class ListAuditEventsTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("audit-list");

    [Fact]
    public async Task FilterBySandboxAndDecision_PagedOldestFirst_OnlyMatchingEvents()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        var a = await server.CreateSandboxAsync("list-a", "p");
        await server.CreateSandboxAsync("list-b", "p");
        var denied = await Assert.ThrowsAsync<RpcException>(() => a.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "list-b" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        for (var i = 0; i < 5; i++)
        {
            await a.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "list-a" });
        }

        var aEvents = await ListAllAsync(server, new ListAuditEventsRequest { FilterSandboxId = "list-a", PageSize = 2 });
        var deniedOnB = await ListAllAsync(server, new ListAuditEventsRequest { FilterSandboxId = "list-b", Decision = AuditDecisionFilter.AuditDecisionDenied });

        Assert.All(aEvents, e => Assert.Equal("list-a", e.Target));
        Assert.Equal(5, aEvents.Count(e => e.Rpc == "GetSandboxPolicy" && e.Allowed));
        Assert.Equal(aEvents.OrderBy(e => e.Time).Select(e => e.Time), aEvents.Select(e => e.Time));
        var refusal = Assert.Single(deniedOnB);
        Assert.False(refusal.Allowed);
        Assert.Equal("sandbox/list-a", refusal.Caller);
        Assert.Equal(nameof(StatusCode.PermissionDenied), refusal.Status);
        Assert.False(string.IsNullOrEmpty(refusal.Replica));
    }

    [Fact]
    public async Task TornLastLine_SkippedAndCounted_NotReturned()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);
        await server.CreateSandboxAsync("torn", "p");
        // What a crash in the middle of a write leaves: part of an event, no newline.
        await File.AppendAllTextAsync(server.AuditPath, "{\"time\":\"2026-01-01T00:00:00+00:00\",\"caller\":\"operator/admin\",\"rpc\":\"Dele");

        var response = await server.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { FilterSandboxId = "torn" });

        Assert.Equal(1, response.SkippedLines);
        Assert.NotEmpty(response.Events);
        Assert.DoesNotContain(response.Events, e => e.Rpc.StartsWith("Dele", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadPageToken_InvalidArgument()
    {
        await using var server = await TestServer.StartAsync(_pki, _data.Path);

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.ListAuditEventsAsync(new ListAuditEventsRequest { PageToken = "-1x" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private static async Task<List<AuditEventRecord>> ListAllAsync(TestServer server, ListAuditEventsRequest request)
    {
        var all = new List<AuditEventRecord>();
        do
        {
            var page = await server.Admin.ListAuditEventsAsync(request);
            Assert.True(page.Events.Count <= Math.Max(request.PageSize, 100));
            all.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        return all;
    }
}
