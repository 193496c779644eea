extern alias server;

using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using AuditEvent = server::SandboxControl.Server.Audit.AuditEvent;
using IAuditSink = server::SandboxControl.Server.Audit.IAuditSink;

namespace SandboxControl.IntegrationTests.Audit;

/// <summary>Like Vault's audit device: if the decision cannot be recorded, the request is not served.</summary>
public sealed class AuditFailClosedTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("audit-fail");

    [Fact]
    public async Task AuditWriteFails_RequestRefusedUnavailableAndHandlerNotRun()
    {
        var sink = new SwitchableAuditSink();
        await using var server = await TestServer.StartAsync(_pki, _data.Path, configureServices: services => services.AddSingleton<IAuditSink>(sink));
        await server.CreateSandboxAsync("kept", "p");

        sink.Broken = true;
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Admin.CreateSandboxAsync(new CreateSandboxRequest { SandboxId = "unrecorded" }).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        sink.Broken = false;
        var lookup = await Assert.ThrowsAsync<RpcException>(() => server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = "unrecorded" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
        Assert.Equal("kept", (await server.Admin.GetSandboxAsync(new GetSandboxRequest { SandboxId = "kept" })).SandboxId);
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private sealed class SwitchableAuditSink : IAuditSink
    {
        public volatile bool Broken;

        public Task WriteAsync(AuditEvent auditEvent) =>
            Broken ? Task.FromException(new IOException("disk full")) : Task.CompletedTask;
    }
}
