extern alias server;

using System.Diagnostics;
using SandboxControl.Client;
using SandboxControl.Client.Credentials;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>Certificate files replaced on disk (a rotated Kubernetes secret) are used by the next connection, without a restart.</summary>
public sealed class CertificateFileReloadTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task ReplacedFiles_NextConnectionUsesNewCertificate()
    {
        var id = await Server.CreateUniqueSandboxAsync("reload", "p");
        var first = Server.Pki.Sandbox(id);
        using var files = new SandboxFiles(first);
        var options = files.Options(Server.Address, Server.Pki.CaPath);
        options.AutoRenew = false;
        await using var client = SandboxClient.Create(options);
        Assert.Equal("p", (await client.GetPolicyAsync()).Document);
        var changed = new TaskCompletionSource<CertificateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.CertificateChanged += (_, e) => changed.TrySetResult(e);

        var second = Server.Pki.Sandbox(id);
        var clock = Stopwatch.StartNew();
        files.Replace(second);
        var change = await changed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var pickedUpAfter = clock.Elapsed;
        output.WriteLine($"replaced files picked up after {pickedUpAfter.TotalMilliseconds:F0} ms (file check interval 100 ms)");
        // Revoke the old certificate: only a connection made with the new one can still be served.
        await File.AppendAllTextAsync(Server.DenyListPath, first.SerialNumber + "\n");
        await Server.WaitUntilDeniedAsync(first.SerialNumber);

        Assert.Equal((second.SerialNumber, CertificateChangeReason.FilesReplaced), (change.Certificate.SerialNumber, change.Reason));
        Assert.Equal(second.SerialNumber, client.Certificate.SerialNumber);
        Assert.Equal("p", (await client.GetPolicyAsync()).Document);
        var lastAllowed = Server.AuditEvents().Last(e => e.GetProperty("allowed").GetBoolean() && e.GetProperty("target").GetString() == id);
        Assert.Equal(second.SerialNumber, lastAllowed.GetProperty("certificateSerial").GetString());
        Assert.True(pickedUpAfter < TimeSpan.FromSeconds(2), $"picked up after {pickedUpAfter.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ReplacedWithOtherSandboxCertificate_KeepsOwnIdentity()
    {
        var id = await Server.CreateUniqueSandboxAsync("reload", "p");
        var other = await Server.CreateUniqueSandboxAsync("reload", "p");
        var own = Server.Pki.Sandbox(id);
        using var files = new SandboxFiles(own);
        var options = files.Options(Server.Address, Server.Pki.CaPath);
        options.AutoRenew = false;
        await using var client = SandboxClient.Create(options);

        files.Replace(Server.Pki.Sandbox(other));
        await Task.Delay(500);

        Assert.Equal(id, client.SandboxId);
        Assert.Equal(own.SerialNumber, client.Certificate.SerialNumber);
        Assert.Equal("p", (await client.GetPolicyAsync()).Document);
    }
}
