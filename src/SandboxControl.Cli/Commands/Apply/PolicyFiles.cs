using System.Text.RegularExpressions;
using SandboxControl.Cli.Input;

namespace SandboxControl.Cli.Commands.Apply;

/// <summary>
/// The files of a policy repository: one file per sandbox, the id from a first-line header
/// <c># sandbox: ID</c> or else from the file name without its extension.
/// </summary>
internal static partial class PolicyFiles
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json", ".policy"];

    /// <exception cref="UsageException">The path does not exist or the directory holds no policy files.</exception>
    public static IReadOnlyList<string> Find(CliConsole console, string path)
    {
        var fullPath = Path.GetFullPath(path, console.WorkingDirectory);
        if (File.Exists(fullPath))
        {
            return [fullPath];
        }

        if (!Directory.Exists(fullPath))
        {
            throw new UsageException($"'{fullPath}' is neither a file nor a directory.");
        }

        var files = Directory.EnumerateFiles(fullPath)
            .Where(file => Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase) && !Path.GetFileName(file).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToList();
        return files.Count > 0
            ? files
            : throw new UsageException($"directory '{fullPath}' holds no policy files ({string.Join(", ", Extensions)}).");
    }

    public static async Task<(string SandboxId, string Document)> ReadAsync(CliConsole console, string file, CancellationToken cancellationToken)
    {
        var document = await PolicyText.ReadAsync(console, file, cancellationToken);
        var firstLine = document.Split('\n', 2)[0];
        var header = Header().Match(firstLine);
        return (header.Success ? header.Groups["id"].Value : Path.GetFileNameWithoutExtension(file), document);
    }

    [GeneratedRegex(@"^#\s*sandbox:\s*(?<id>\S+)\s*$")]
    private static partial Regex Header();
}
