using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>Where sandboxctl finds its connection settings: flags, then SANDBOXCTL_*, then the config file, then dev mode.</summary>
public sealed class SandboxctlConnectionSettingsTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly CliHarness _admin = CliHarness.Admin(fixture.Server);

    private TestServer Server => fixture.Server;

    [Fact]
    public async Task EnvironmentVariables_NoFlags_Connect()
    {
        var result = await CliHarness.RunInAsync(_admin.Directory, ["sandboxes", "list"], environment: Environment(_admin.CertificatePath));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task CertFlag_OverridesEnvironmentVariable()
    {
        var missing = _admin.Combine("missing.crt");

        var fromEnvironment = await CliHarness.RunInAsync(_admin.Directory, ["sandboxes", "list"], environment: Environment(missing));
        var flagWins = await CliHarness.RunInAsync(
            _admin.Directory, ["sandboxes", "list", "--cert", _admin.CertificatePath, "--key", _admin.KeyPath], environment: Environment(missing));

        Assert.Equal(3, fromEnvironment.ExitCode);
        Assert.Contains($"'{missing}' does not exist", fromEnvironment.Error, StringComparison.Ordinal);
        Assert.True(flagWins.ExitCode == 0, flagWins.ToString());
    }

    [Fact]
    public async Task ConfigFile_RelativePaths_ResolvedAgainstConfigDirectory()
    {
        using var home = new TempDirectory("cli-home");
        var config = Directory.CreateDirectory(Path.Combine(home.Path, ".config", "sandboxctl")).FullName;
        File.Copy(_admin.CertificatePath, Path.Combine(config, "me.crt"));
        File.Copy(_admin.KeyPath, Path.Combine(config, "me.key"));
        File.Copy(Server.Pki.CaPath, Path.Combine(config, "ca.crt"));
        await File.WriteAllTextAsync(
            Path.Combine(config, "config.json"),
            $$"""{ "server": "{{Server.Address}}", "ca": "ca.crt", "cert": "me.crt", "key": "me.key" }""");

        var result = await CliHarness.RunInAsync(_admin.Directory, ["sandboxes", "list", "-o", "json"], home: home.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"sandboxes\"", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevMode_CheckoutAboveWorkingDirectory_UsesDevCertificates()
    {
        using var checkout = new TempDirectory("cli-checkout");
        await File.WriteAllTextAsync(checkout.Combine("SandboxControl.sln"), "");
        var dev = Directory.CreateDirectory(Path.Combine(checkout.Path, "certs", "dev")).FullName;
        File.Copy(_admin.CertificatePath, Path.Combine(dev, "operator-admin.crt"));
        File.Copy(_admin.KeyPath, Path.Combine(dev, "operator-admin.key"));
        File.Copy(Server.Pki.CaPath, Path.Combine(dev, "ca.crt"));
        var workingDirectory = Directory.CreateDirectory(Path.Combine(checkout.Path, "src", "deep")).FullName;

        // The test server is not on the dev port, so only the server comes from a flag; CA and certificate come from certs/dev/.
        var result = await CliHarness.RunInAsync(workingDirectory, ["sandboxes", "list", "--server", Server.Address.ToString()]);
        var withoutFlag = await CliHarness.RunInAsync(workingDirectory, ["sandboxes", "list", "--cert", "nowhere.crt", "--key", "nowhere.key"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, withoutFlag.ExitCode);
        Assert.Contains(Path.Combine(workingDirectory, "nowhere.crt"), withoutFlag.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingConfigured_ExitTwoExplainsWhereSettingsComeFrom()
    {
        using var empty = new TempDirectory("cli-empty");

        var result = await CliHarness.RunInAsync(empty.Path, ["sandboxes", "list"]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: no server configured: pass --server", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _admin.Dispose();

    private Dictionary<string, string> Environment(string certificatePath) => new()
    {
        ["SANDBOXCTL_SERVER"] = Server.Address.ToString(),
        ["SANDBOXCTL_CA"] = Server.Pki.CaPath,
        ["SANDBOXCTL_CERT"] = certificatePath,
        ["SANDBOXCTL_KEY"] = _admin.KeyPath,
    };
}
