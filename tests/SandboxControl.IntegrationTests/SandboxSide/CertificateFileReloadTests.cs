extern alias server;

using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Client;
using SandboxControl.Client.Credentials;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
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
        var first = await Server.SandboxCertificateAsync(id);
        using var files = new SandboxFiles(first);
        var options = files.Options(Server.Address, Server.Pki.CaPath);
        options.AutoRenew = false;
        await using var client = SandboxClient.Create(options);
        Assert.Equal("p", (await client.GetPolicyAsync()).Document);
        var changed = new TaskCompletionSource<CertificateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.CertificateChanged += (_, e) => changed.TrySetResult(e);

        var second = await Server.SandboxCertificateAsync(id);
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
    public async Task KubernetesSecretRotation_DataSymlinkSwapped_NextConnectionUsesNewCertificate()
    {
        var id = await Server.CreateUniqueSandboxAsync("reload", "p");
        var first = await Server.SandboxCertificateAsync(id);
        using var directory = new TempDirectory("kubelet-secret");
        // The kubelet's layout: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>; a rotation swaps ..data.
        WriteSecretVersion(directory, "..2026_01_01_00_00_00.1", first);
        File.CreateSymbolicLink(directory.Combine("..data"), "..2026_01_01_00_00_00.1");
        File.CreateSymbolicLink(directory.Combine("tls.crt"), "..data/tls.crt");
        File.CreateSymbolicLink(directory.Combine("tls.key"), "..data/tls.key");
        await using var client = SandboxClient.Create(new SandboxClientOptions
        {
            ServerAddress = Server.Address,
            CertificatePath = directory.Combine("tls.crt"),
            KeyPath = directory.Combine("tls.key"),
            CaBundlePath = Server.Pki.CaPath,
            FileCheckInterval = TimeSpan.FromMilliseconds(100),
            AutoRenew = false,
        });
        Assert.Equal("p", (await client.GetPolicyAsync()).Document);
        var changed = new TaskCompletionSource<CertificateChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.CertificateChanged += (_, e) => changed.TrySetResult(e);

        var second = await Server.SandboxCertificateAsync(id);
        WriteSecretVersion(directory, "..2026_01_01_00_01_00.2", second);
        File.CreateSymbolicLink(directory.Combine("..data_tmp"), "..2026_01_01_00_01_00.2");
        RenameOver(directory.Combine("..data_tmp"), directory.Combine("..data"));
        var change = await changed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await File.AppendAllTextAsync(Server.DenyListPath, first.SerialNumber + "\n");
        await Server.WaitUntilDeniedAsync(first.SerialNumber);

        Assert.Equal((second.SerialNumber, CertificateChangeReason.FilesReplaced), (change.Certificate.SerialNumber, change.Reason));
        Assert.Equal(second.SerialNumber, client.Certificate.SerialNumber);
        Assert.Equal("p", (await client.GetPolicyAsync()).Document);
    }

    [Fact]
    public async Task ReplacedWithOtherSandboxCertificate_KeepsOwnIdentity()
    {
        var id = await Server.CreateUniqueSandboxAsync("reload", "p");
        var other = await Server.CreateUniqueSandboxAsync("reload", "p");
        var own = await Server.SandboxCertificateAsync(id);
        using var files = new SandboxFiles(own);
        var options = files.Options(Server.Address, Server.Pki.CaPath);
        options.AutoRenew = false;
        await using var client = SandboxClient.Create(options);

        files.Replace(await Server.SandboxCertificateAsync(other));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (client.RejectedReloadCount == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the replaced files were not checked (and rejected) within 15 s");
            await Task.Delay(20);
        }

        Assert.Equal(id, client.SandboxId);
        Assert.Equal(own.SerialNumber, client.Certificate.SerialNumber);
        Assert.Equal("p", (await client.GetPolicyAsync()).Document);
    }

    private static void WriteSecretVersion(TempDirectory directory, string name, X509Certificate2 certificate)
    {
        Directory.CreateDirectory(directory.Combine(name));
        PemFiles.WritePrivateKey(Path.Combine(directory.Combine(name), "tls.key"), certificate);
        PemFiles.WriteCertificate(Path.Combine(directory.Combine(name), "tls.crt"), certificate);
    }

    /// <summary>rename(2), which atomically replaces a symlink (what the kubelet does with ..data).</summary>
    private static void RenameOver(string source, string destination)
    {
        using var move = Process.Start(new ProcessStartInfo("mv") { ArgumentList = { "-T", source, destination } })!;
        move.WaitForExit();
        Assert.Equal(0, move.ExitCode);
    }
}
