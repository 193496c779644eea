using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>Old flag names (--cert-out, --csr-out, --days) keep scripts running, with one deprecation line.</summary>
public sealed class SandboxctlRenamedFlagsTests : IDisposable
{
    private readonly TempDirectory _directory = new("cli-renamed");

    [Fact]
    public async Task InitCa_OldCertOutAndDays_WrittenWithOneDeprecationLine()
    {
        var result = await RunAsync("certs", "init-ca", "--cert-out", "ca.crt", "--key-out", "ca.key", "--days", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("warning: --cert-out is deprecated; use --out.", result.Error.Trim());
        Assert.True(File.Exists(_directory.Combine("ca.crt")));
    }

    [Fact]
    public async Task Request_OldCsrOut_Written()
    {
        var result = await RunAsync("certs", "request", "worker-1", "--key-out", "w.key", "--csr-out", "w.csr");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("warning: --csr-out is deprecated; use --out.", result.Error.Trim());
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", await File.ReadAllTextAsync(_directory.Combine("w.csr")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitCa_NewAndOldName_UsageErrorNothingWritten()
    {
        var result = await RunAsync("certs", "init-ca", "--out", "a.crt", "--cert-out", "b.crt", "--key-out", "ca.key");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: give --out, not also --cert-out (its old name).", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public async Task InitCa_NoOut_UsageErrorNamesTheNewName()
    {
        var result = await RunAsync("certs", "init-ca", "--key-out", "ca.key");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: Option '--out' is required.", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory.Path));
    }

    public void Dispose() => _directory.Dispose();

    private Task<CliResult> RunAsync(params string[] args) => CliHarness.RunInAsync(_directory.Path, args);
}
