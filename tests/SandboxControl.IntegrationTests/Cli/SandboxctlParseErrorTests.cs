using System.Text.RegularExpressions;
using SandboxControl.IntegrationTests.Infrastructure;
using Xunit;

namespace SandboxControl.IntegrationTests.Cli;

/// <summary>A mistyped value is one plain line and exit 2: never a .NET type name, never a stack trace.</summary>
public sealed class SandboxctlParseErrorTests : IDisposable
{
    private readonly TempDirectory _directory = new("cli-parse");

    /// <summary>Every option of every command whose value is not text or a flag (numbers today), with the command's arguments filled in.</summary>
    public static TheoryData<string, string> TypedOptions()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, command) in SandboxctlCommandTree.Leaves())
        {
            var invocation = string.Join(' ', [path, .. command.Arguments.Select(_ => "x")]);
            foreach (var option in command.Options.Where(option => option.ValueType != typeof(string) && option.ValueType != typeof(string[]) && option.ValueType != typeof(bool)))
            {
                data.Add(invocation, option.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TypedOptions))]
    public async Task TypedOption_NotANumber_OnePlainLineExitTwo(string invocation, string option)
    {
        var result = await RunWithRequiredOptionsAsync([.. invocation.Split(' '), option, "abc"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: {option}: 'abc' is not ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("expected type", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void TypedOptions_WalkFindsTheNumericOptions()
    {
        var options = TypedOptions().Select(row => $"{row[0]} {row[1]}").ToList();

        Assert.Contains("sandboxes list --page-size", options);
        Assert.Contains("policy rollback x --to", options);
        Assert.Contains("policy set x --expected-version", options);
        Assert.Contains("certs init-ca --days", options);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task PageSize_OutOfRange_UsageErrorNamesTheRange(string value)
    {
        var result = await RunAsync(["sandboxes", "list", "--page-size", value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --page-size: {value} is out of range (1 to 1000).", result.Error.Split('\n')[0]);
    }

    [Fact]
    public async Task Output_UnknownFormat_OneLineWithSuggestion()
    {
        var result = await RunAsync(["whoami", "-o", "jsn"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "error: --output: 'jsn' is not one of table, wide, json, yaml; did you mean \"json\"?\nRun 'sandboxctl --help' for usage.",
            result.Error.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task VersionAge_NotADuration_UsageErrorBeforeConnecting()
    {
        var garbage = await RunAsync(["policy", "rollout", "--version-age", "soon", "--server", "https://127.0.0.1:1"]);

        Assert.Equal(2, garbage.ExitCode);
        Assert.Equal("error: --version-age 'soon' is not a duration like 90s, 5m, 1h30m or 2d.", garbage.Error.Trim());
    }

    public void Dispose() => _directory.Dispose();

    private Task<CliResult> RunAsync(string[] args) => CliHarness.RunInAsync(_directory.Path, args);

    /// <summary>
    /// Command rules such as "--out is required" are checked before option values are converted and hide their
    /// errors: give each option the first run names as required a dummy value and run again.
    /// </summary>
    private async Task<CliResult> RunWithRequiredOptionsAsync(string[] args)
    {
        var result = await RunAsync(args);
        var required = Regex.Matches(result.Error, "Option '(--[a-z-]+)' is required").Select(match => match.Groups[1].Value).ToList();
        return required.Count == 0 ? result : await RunAsync([.. args, .. required.SelectMany(name => new[] { name, "dummy" })]);
    }
}
