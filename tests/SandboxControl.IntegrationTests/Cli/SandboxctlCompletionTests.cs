using System.Diagnostics;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary><c>sandboxctl completion bash|zsh|fish</c>: scripts generated from the command tree.</summary>
public sealed class SandboxctlCompletionTests : IDisposable
{
    private readonly TempDirectory _directory = new("cli-completion");

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public async Task Completion_EveryShell_NamesEveryTopLevelCommand(string shell)
    {
        var result = await RunAsync("completion", shell);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        Assert.False(string.IsNullOrWhiteSpace(result.Out));
        foreach (var command in SandboxctlCommandTree.Root().Subcommands.Where(command => !command.Hidden))
        {
            Assert.Contains(command.Name, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Completion_UnknownShell_UsageError()
    {
        var result = await RunAsync("completion", "powershell");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: SHELL: 'powershell' is not one of bash, zsh, fish", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("sandboxctl sa", "sandboxes")]
    [InlineData("sandboxctl sandboxes l", "list")]
    [InlineData("sandboxctl sandboxes list --pa", "--page-size")]
    [InlineData("sandboxctl policy get web-1 -o ya", "yaml")]
    [InlineData("sandboxctl certs revoke -f ca.c", "ca.crt")]
    [InlineData("sandboxctl completion f", "fish")]
    public async Task Bash_CompletesWordsFromTheTree(string line, string expected)
    {
        var script = (await RunAsync("completion", "bash")).Out;
        await File.WriteAllTextAsync(_directory.Combine("sandboxctl.bash"), script);
        await File.WriteAllTextAsync(_directory.Combine("ca.crt"), "");

        var completions = await CompleteInBashAsync(line);

        Assert.Equal([expected], completions);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Sources the script in a real bash and runs its completion function on <paramref name="line"/>, as TAB would.</summary>
    private async Task<string[]> CompleteInBashAsync(string line)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = _directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""source ./sandboxctl.bash; read -ra COMP_WORDS <<< "$1"; [[ $1 == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _sandboxctl; printf '%s\n' "${COMPREPLY[@]}" """);
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(line);
        using var bash = Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        var error = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        Assert.True(bash.ExitCode == 0, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private Task<CliResult> RunAsync(params string[] args) => CliHarness.RunInAsync(_directory.Path, args);
}
