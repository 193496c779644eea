using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.IntegrationTests.Security;
using SandboxControl.V1;
using Xunit;

namespace SandboxControl.IntegrationTests.Certificates;

/// <summary>
/// RevokeSandboxCertificate cuts off a certificate and everything renewed from it (a stolen key that renewed
/// itself goes with the original): on open connections, new ones, idle follow streams and renewals.
/// </summary>
public sealed class CertificateLineageTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Policy = "lineage-policy";

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task RevokeFirst_IssueRenewRenew_AllThreeRefusedEverywhereWithinOneSecond()
    {
        var id = await Server.CreateUniqueSandboxAsync("lineage", Policy);
        var first = await Server.SandboxCertificateAsync(id);
        var second = await ServerIssuedCertificates.RenewAsync(Server.Client(first), id);
        var third = await ServerIssuedCertificates.RenewAsync(Server.Client(second), id);
        X509Certificate2[] lineage = [first, second, third];
        // Connections established (and used) before the revocation.
        var open = lineage.Select(Server.Client).ToArray();
        foreach (var client in open)
        {
            Assert.Equal(Policy, (await client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var follow = open[2].GetSandboxLogs(new GetSandboxLogsRequest { SandboxId = id, Follow = true }, cancellationToken: cancel.Token);
        await PushAsync(open[2], id, "marker");
        Assert.True(await follow.ResponseStream.MoveNext(cancel.Token));
        // Now idle: nothing more is pushed, so only the revocation can end it.
        var listed = await Server.Client(Server.Pki.Operator(TestServer.ViewerName)).ListSandboxCertificatesAsync(new ListSandboxCertificatesRequest { SandboxId = id });
        Assert.Equal(lineage.Select(c => c.SerialNumber), listed.Certificates.Select(c => c.SerialNumber));
        Assert.Equal(["", first.SerialNumber, second.SerialNumber], listed.Certificates.Select(c => c.ParentSerialNumber));
        Assert.All(listed.Certificates, c => Assert.Null(c.RevokedAt));

        var clock = Stopwatch.StartNew();
        var revoked = await Server.Admin.RevokeSandboxCertificateAsync(new RevokeSandboxCertificateRequest { SerialNumber = first.SerialNumber });
        var streamEnd = await Assert.ThrowsAsync<RpcException>(() => follow.ResponseStream.MoveNext(cancel.Token));
        var followEndedAfter = clock.Elapsed;

        Assert.Equal(id, revoked.SandboxId);
        Assert.Equal(lineage.Select(c => c.SerialNumber).Order(), revoked.RevokedSerialNumbers.Order());
        Assert.Equal(StatusCode.Unauthenticated, streamEnd.StatusCode);
        Assert.True(followEndedAfter < TimeSpan.FromSeconds(1), $"idle follow stream ended after {followEndedAfter.TotalMilliseconds:F0} ms");
        for (var i = 0; i < lineage.Length; i++)
        {
            await AssertRefusedAsync(open[i], id);
            await AssertRefusedAsync(Server.Client(lineage[i]), id);
            var renewal = await Assert.ThrowsAsync<RpcException>(() => ServerIssuedCertificates.RenewAsync(Server.Client(lineage[i]), id));
            Assert.Equal(StatusCode.Unauthenticated, renewal.StatusCode);
            Assert.Equal("certificate is revoked", Server.LastDenialReason(lineage[i].SerialNumber));
        }

        var after = await Server.Admin.ListSandboxCertificatesAsync(new ListSandboxCertificatesRequest { SandboxId = id });
        Assert.Equal(3, after.Certificates.Count);
        Assert.All(after.Certificates, c => Assert.NotNull(c.RevokedAt));
    }

    [Fact]
    public async Task RevokeMiddle_OnlyItAndItsDescendantsRefused_AncestorStillWorks()
    {
        var id = await Server.CreateUniqueSandboxAsync("lineage", Policy);
        var first = await Server.SandboxCertificateAsync(id);
        var second = await ServerIssuedCertificates.RenewAsync(Server.Client(first), id);
        var third = await ServerIssuedCertificates.RenewAsync(Server.Client(second), id);

        var revoked = await Server.Admin.RevokeSandboxCertificateAsync(new RevokeSandboxCertificateRequest { SerialNumber = second.SerialNumber.ToLowerInvariant() });

        Assert.Equal(new[] { second.SerialNumber, third.SerialNumber }.Order(), revoked.RevokedSerialNumbers.Order());
        await AssertRefusedAsync(Server.Client(second), id);
        await AssertRefusedAsync(Server.Client(third), id);
        Assert.Equal(Policy, (await Server.Client(first).GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id })).Document);
    }

    [Theory]
    [InlineData("not-hex", StatusCode.InvalidArgument)]
    [InlineData("", StatusCode.InvalidArgument)]
    [InlineData("0123456789ABCDEF", StatusCode.NotFound)]
    public async Task Revoke_BadOrUnknownSerial_ClearStatus(string serial, StatusCode expected)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Server.Admin.RevokeSandboxCertificateAsync(new RevokeSandboxCertificateRequest { SerialNumber = serial }).ResponseAsync);

        Assert.Equal(expected, ex.StatusCode);
    }

    private static async Task AssertRefusedAsync(V1.SandboxControl.SandboxControlClient client, string id)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.GetSandboxPolicyAsync(new GetSandboxPolicyRequest { SandboxId = id }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.DoesNotContain(Policy, ex.Status.Detail, StringComparison.Ordinal);
    }

    private static async Task PushAsync(V1.SandboxControl.SandboxControlClient client, string id, string message)
    {
        using var push = client.PushSandboxLogs();
        await push.RequestStream.WriteAsync(new PushSandboxLogsRequest { SandboxId = id, Lines = { SandboxIsolationTests.Line(message) } });
        await push.RequestStream.CompleteAsync();
        await push;
    }
}
