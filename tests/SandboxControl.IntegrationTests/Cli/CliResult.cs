namespace SandboxControl.IntegrationTests.Cli;

/// <summary>What one in-process sandboxctl run returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}
