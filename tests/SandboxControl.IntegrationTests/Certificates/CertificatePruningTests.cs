extern alias server;

using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.V1;
using Xunit;
using CertificateRecord = server::SandboxControl.Server.Storage.CertificateRecord;
using ISandboxStore = server::SandboxControl.Server.Storage.ISandboxStore;

namespace SandboxControl.IntegrationTests.Certificates;

/// <summary>A certificate pruned after Issuance:ExpiredCertificateRetention is gone for operators too.</summary>
public sealed class CertificatePruningTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task RevokeSandboxCertificate_PrunedSerial_NotFoundAndNotListed()
    {
        var id = await Server.CreateUniqueSandboxAsync("pruned");
        var live = await Server.SandboxCertificateAsync(id);
        var store = Server.Services.GetRequiredService<ISandboxStore>();
        var expiredAt = DateTimeOffset.UtcNow.AddDays(-30);
        var serial = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await store.RecordCertificateAsync(
            new CertificateRecord(serial, id, store.GetSandboxEntry(id)!.Incarnation, null, expiredAt.AddDays(-1), expiredAt, "test", null),
            CancellationToken.None);

        Assert.True(await store.PruneExpiredCertificatesAsync(TimeSpan.FromDays(7), 1000, CancellationToken.None) >= 1);

        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Admin.RevokeSandboxCertificateAsync(new RevokeSandboxCertificateRequest { SerialNumber = serial }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        var listed = await Server.Admin.ListSandboxCertificatesAsync(new ListSandboxCertificatesRequest { SandboxId = id });
        Assert.Equal([live.SerialNumber], listed.Certificates.Select(c => c.SerialNumber));
        Assert.Null(Assert.Single(listed.Certificates).RevokedAt);
    }
}
