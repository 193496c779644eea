using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;
using Xunit;

namespace SandboxControl.IntegrationTests.Operations;

/// <summary>Bad configuration: one clear line per problem, a non-zero exit, and no port ever opened.</summary>
public sealed class StartupValidationTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDirectory _data = new("startup");

    [Fact]
    public async Task MissingCaFile_ExitsWithOneLine() =>
        await AssertRefusedAsync(new() { ["Tls:ClientCaPath"] = "/nonexistent/ca.crt" }, "Tls:ClientCaPath file '/nonexistent/ca.crt' does not exist.");

    [Fact]
    public async Task KeyNotMatchingCertificate_ExitsWithOneLine()
    {
        using var other = _pki.Ca.IssueServerCertificate(["other"], [System.Net.IPAddress.Loopback], TimeSpan.FromHours(1));
        var keyPath = _data.Combine("other.key");
        PemFiles.WritePrivateKey(keyPath, other);

        await AssertRefusedAsync(new() { ["Tls:ServerKeyPath"] = keyPath }, "is not a private key matching");
    }

    [Fact]
    public async Task BadTrustDomain_ExitsWithOneLine() =>
        await AssertRefusedAsync(new() { ["Identity:TrustDomain"] = "Sandboxes.Example:443" }, "Identity:TrustDomain must be lowercase");

    [Fact]
    public async Task UnknownStorageProvider_ExitsWithOneLine() =>
        await AssertRefusedAsync(new() { ["Storage:Provider"] = "mongodb" }, "Storage:Provider");

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task WorldReadableKey_ExitsWithOneLine()
    {
        var keyPath = _data.Combine("server-copy.key");
        File.Copy(_pki.ServerKeyPath, keyPath);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        await AssertRefusedAsync(new() { ["Tls:ServerKeyPath"] = keyPath }, "is readable by group or others");
    }

    [Fact]
    public async Task UnwritableAuditFile_ExitsWithOneLine()
    {
        // A path under a regular file: refused even for root (ENOTDIR), unlike permission bits.
        var notADirectory = _data.Combine("plain-file");
        await File.WriteAllTextAsync(notADirectory, "x");

        await AssertRefusedAsync(new() { ["Audit:Path"] = Path.Combine(notADirectory, "audit.log") }, "cannot be opened for appending");
    }

    public void Dispose()
    {
        _data.Dispose();
        _pki.Dispose();
    }

    private async Task AssertRefusedAsync(Dictionary<string, string> bad, string expected)
    {
        var arguments = await TestServer.ArgumentsAsync(_pki, _data.Path, bad);
        using var server = ServerProcess.Start(arguments, _data.Path);

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var problems = server.Output.Split('\n').Where(line => line.Contains("Startup error:", StringComparison.Ordinal)).ToList();
        var problem = Assert.Single(problems);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_data.Combine("store.db")), "the store was opened before configuration was validated");
    }
}
