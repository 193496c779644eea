using System.Diagnostics.CodeAnalysis;

namespace SandboxControl.Cli;

/// <summary>
/// The process environment <c>sandboxctl</c> runs in: standard streams, environment variables and
/// directories. <c>Program</c> passes the real ones; tests pass their own to run the CLI in-process.
/// </summary>
[SuppressMessage("Performance", "CA1515:Consider making public types internal", Justification = "Entry point for in-process tests.")]
public sealed class CliConsole
{
    /// <summary>Creates a console from explicit streams and environment.</summary>
    /// <param name="input">Standard input (policy documents and credentials with <c>--file -</c>).</param>
    /// <param name="output">Standard output (results).</param>
    /// <param name="error">Standard error (diagnostics).</param>
    /// <param name="getEnvironmentVariable">Looks up an environment variable; <see langword="null"/> when unset.</param>
    /// <param name="workingDirectory">Directory relative paths are resolved against, and where dev mode starts looking.</param>
    /// <param name="homeDirectory">Home directory holding <c>.config/sandboxctl/config.json</c>, if any.</param>
    public CliConsole(
        TextReader input,
        TextWriter output,
        TextWriter error,
        Func<string, string?> getEnvironmentVariable,
        string workingDirectory,
        string? homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        In = input;
        Out = output;
        Error = error;
        GetEnvironmentVariable = getEnvironmentVariable;
        WorkingDirectory = workingDirectory;
        HomeDirectory = homeDirectory;
    }

    /// <summary>Standard input.</summary>
    public TextReader In { get; }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Looks up an environment variable; returns <see langword="null"/> when it is unset.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; }

    /// <summary>Directory relative paths are resolved against.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The user's home directory, or <see langword="null"/> if there is none.</summary>
    public string? HomeDirectory { get; }

    /// <summary>The process's own console, environment and directories.</summary>
    public static CliConsole FromProcess()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new CliConsole(
            Console.In,
            Console.Out,
            Console.Error,
            Environment.GetEnvironmentVariable,
            Directory.GetCurrentDirectory(),
            string.IsNullOrEmpty(home) ? null : home);
    }
}
