namespace SandboxControl.Cli.Output;

/// <summary>Colours a unified diff for a terminal: removals red, additions green, hunk headers cyan.</summary>
internal static class DiffColors
{
    private const string Red = "\u001b[31m";
    private const string Green = "\u001b[32m";
    private const string Cyan = "\u001b[36m";
    private const string Bold = "\u001b[1m";
    private const string Reset = "\u001b[0m";

    /// <summary>
    /// Colour when asked (<c>always</c>), or with <c>auto</c> when writing to the process's own, unredirected
    /// standard output and NO_COLOR is not set.
    /// </summary>
    public static bool Enabled(string mode, CliConsole console) => mode switch
    {
        "always" => true,
        "never" => false,
        _ => ReferenceEquals(console.Out, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(console.GetEnvironmentVariable("NO_COLOR")),
    };

    /// <summary>Writes the diff; its lines are server-supplied text, so they are sanitized before any colour is added.</summary>
    public static async Task WriteAsync(TextWriter output, string diff, bool colour)
    {
        foreach (var raw in diff.Split('\n'))
        {
            if (raw.Length == 0)
            {
                continue;
            }

            var line = TextSanitizer.CleanMultiline(raw);
            var prefix = !colour ? string.Empty : line switch
            {
                _ when line.StartsWith("---", StringComparison.Ordinal) || line.StartsWith("+++", StringComparison.Ordinal) => Bold,
                _ when line.StartsWith('@') => Cyan,
                _ when line.StartsWith('-') => Red,
                _ when line.StartsWith('+') => Green,
                _ => string.Empty,
            };
            await output.WriteLineAsync(prefix.Length == 0 ? line : prefix + line + Reset);
        }
    }
}
