using System.Security.Cryptography.X509Certificates;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>The offline `certs` commands: files only, no server.</summary>
public sealed class SandboxctlCertsTests : IDisposable
{
    private readonly TempDirectory _directory = new("cli-certs");

    [Fact]
    public async Task InitCaThenIssueSandbox_CertificateChainsToCaWithSingleSandboxUri()
    {
        var initCa = await RunAsync("certs", "init-ca", "--out", "ca.crt", "--key-out", "ca.key", "--name", "Test Root", "--validity", "2d");
        var issue = await RunAsync(
            "certs", "issue-sandbox", "build-7", "--ca-cert", "ca.crt", "--ca-key", "ca.key", "--trust-domain", "sandboxes.test",
            "--out", "build-7.crt", "--key-out", "build-7.key", "--validity", "3h", "-o", "json");

        Assert.True(initCa.ExitCode == 0, initCa.ToString());
        Assert.True(issue.ExitCode == 0, issue.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, FileMode(_directory.Combine("ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, FileMode(_directory.Combine("build-7.key")));
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_directory.Combine("ca.crt")));
        using var leaf = PemFiles.LoadCertificateWithKey(_directory.Combine("build-7.crt"), _directory.Combine("build-7.key"));
        Assert.Equal("CN=Test Root", ca.Subject);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join(", ", chain.ChainStatus.Select(s => s.Status)));
        var san = Assert.Single(leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        // One name only (the text is "URI:..." on Linux, "URL=..." on Windows).
        var names = san.Format(multiLine: false);
        Assert.EndsWith("spiffe://sandboxes.test/sandbox/build-7", names, StringComparison.Ordinal);
        Assert.DoesNotContain(",", names, StringComparison.Ordinal);
        Assert.Empty(san.EnumerateDnsNames());
        Assert.InRange(leaf.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromHours(2.9), TimeSpan.FromHours(3));
        Assert.Contains("\"spiffe://sandboxes.test/sandbox/build-7\"", issue.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", initCa.Out + issue.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitCa_ExistingKeyWithoutForce_ExitTwoKeyUnchanged()
    {
        await File.WriteAllTextAsync(_directory.Combine("ca.key"), "precious");

        var result = await RunAsync("certs", "init-ca", "--out", "ca.crt", "--key-out", "ca.key");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("already exists", result.Error, StringComparison.Ordinal);
        Assert.Equal("precious", await File.ReadAllTextAsync(_directory.Combine("ca.key")));
    }

    [Fact]
    public async Task Revoke_SameCertificateTwice_AppendedOnce()
    {
        using var ca = CertificateAuthority.CreateRoot("Revoke CA", TimeSpan.FromHours(1));
        using var certificate = ca.IssueSandboxCertificate("sandboxes.test", "gone");
        PemFiles.WriteCertificate(_directory.Combine("gone.crt"), certificate);

        var first = await RunAsync("certs", "revoke", "--deny-list", "deny.txt", "-f", "gone.crt");
        var second = await RunAsync("certs", "revoke", "--deny-list", "deny.txt", "--serial", certificate.SerialNumber.ToLowerInvariant());

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var lines = (await File.ReadAllTextAsync(_directory.Combine("deny.txt"))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^# revoked \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", lines[0]);
        Assert.Equal(certificate.SerialNumber.ToUpperInvariant(), lines[1]);
        Assert.Matches(@"(?m)^added\s+no$", second.Out);
    }

    [Fact]
    public async Task Request_NewKey_CsrLoadsAndKeyIsOwnerOnly()
    {
        var result = await RunAsync("certs", "request", "worker-1", "--key-out", "worker.key", "--out", "worker.csr");

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = CertificateRequest.LoadSigningRequestPem(
            await File.ReadAllTextAsync(_directory.Combine("worker.csr")), System.Security.Cryptography.HashAlgorithmName.SHA256);
        Assert.Equal("CN=worker-1", request.SubjectName.Name);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, FileMode(_directory.Combine("worker.key")));
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(_directory.Combine("worker.key")));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.DoesNotContain("PRIVATE KEY", result.Out + result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private static UnixFileMode FileMode(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Key file modes are checked on Unix only.");
        }

        return File.GetUnixFileMode(path);
    }

    private Task<CliResult> RunAsync(params string[] args) => CliHarness.RunInAsync(_directory.Path, args);
}
