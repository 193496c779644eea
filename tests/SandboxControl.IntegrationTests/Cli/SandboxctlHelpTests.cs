using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>Every command's help shows how to use it; a new command without examples fails here.</summary>
public sealed class SandboxctlHelpTests : IDisposable
{
    private readonly TempDirectory _directory = new("cli-help");

    public static TheoryData<string> LeafCommands() => [.. SandboxctlCommandTree.Leaves().Select(leaf => leaf.Path)];

    [Theory]
    [MemberData(nameof(LeafCommands))]
    public async Task Help_EveryLeafCommand_HasExamplesThatUseIt(string path)
    {
        var result = await CliHarness.RunInAsync(_directory.Path, [.. path.Split(' '), "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var examples = result.Out.IndexOf("Examples:", StringComparison.Ordinal);
        Assert.True(examples >= 0, $"'sandboxctl {path} --help' has no Examples: section:\n{result.Out}");
        Assert.Contains("sandboxctl " + path, result.Out[examples..], StringComparison.Ordinal);
    }

    [Fact]
    public void LeafCommands_WalkFindsEveryKnownCommand()
    {
        var paths = SandboxctlCommandTree.Leaves().Select(leaf => leaf.Path).ToList();

        Assert.Contains("sandboxes list", paths);
        Assert.Contains("certs revoke", paths);
        Assert.Contains("completion", paths);
        Assert.DoesNotContain("sandboxes", paths);
        Assert.True(paths.Count >= 30, string.Join(", ", paths));
    }

    [Theory]
    [InlineData("certs init-ca", "--out <FILE>", "--cert-out")]
    [InlineData("certs issue-sandbox", "--out <FILE>", "--cert-out")]
    [InlineData("certs request", "--out <FILE>", "--csr-out")]
    [InlineData("sandboxes create", "-f, --file <FILE>", "--policy-file")]
    [InlineData("sandboxes issue-cert", "-f, --file <FILE>", "--csr <")]
    public async Task Help_RenamedOption_ShowsOnlyTheNewName(string path, string shown, string oldName)
    {
        var result = await CliHarness.RunInAsync(_directory.Path, [.. path.Split(' '), "--help"]);

        Assert.Contains(shown, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(oldName, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_CertsRevoke_TargetIsFileAndCertIsTheClientCertificateOnce()
    {
        var result = await CliHarness.RunInAsync(_directory.Path, ["certs", "revoke", "--help"]);

        Assert.Contains("-f, --file <FILE>", result.Out, StringComparison.Ordinal);
        var certLine = Assert.Single(result.Out.Split('\n'), line => line.TrimStart().StartsWith("--cert ", StringComparison.Ordinal));
        Assert.Contains("client certificate", certLine, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
