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

    [Fact]
    public async Task RevocationDetailEventFails_RevocationInForceAndReportedOk()
    {
        var sink = new SwitchableAuditSink { BrokenFor = "revoked " };
        await using var server = await TestServer.StartAsync(_pki, _data.Path, configureServices: services => services.AddSingleton<IAuditSink>(sink));
        var sandbox = await server.CreateSandboxAsync("revoked-unaudited", "p");
        var serial = (await sandbox.WhoAmIAsync(new WhoAmIRequest())).CertificateSerial;

        var response = await server.Admin.RevokeSandboxCertificateAsync(new RevokeSandboxCertificateRequest { SerialNumber = serial });

        Assert.Equal([serial], response.RevokedSerialNumbers);
        Assert.Equal(1, sink.Refused);
        var refused = await Assert.ThrowsAsync<RpcException>(() => sandbox.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = "revoked-unaudited" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private sealed class SwitchableAuditSink : IAuditSink
    {
        public volatile bool Broken;

        /// <summary>Refuses only events whose reason starts with this.</summary>
        public string? BrokenFor { get; init; }

        public int Refused { get; private set; }

        public Task WriteAsync(AuditEvent auditEvent)
        {
            if (Broken || (BrokenFor is not null && auditEvent.Reason.StartsWith(BrokenFor, StringComparison.Ordinal)))
            {
                Refused++;
                return Task.FromException(new IOException("disk full"));
            }

            return Task.CompletedTask;
        }
    }
}
