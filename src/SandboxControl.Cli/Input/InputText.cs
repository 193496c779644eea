namespace SandboxControl.Cli.Input;

/// <summary>Reads a text input given as a file path, or as <c>-</c> for standard input.</summary>
internal static class InputText
{
    public const string StandardInput = "-";

    /// <exception cref="UsageException">The file cannot be read (the message names the file, never its content).</exception>
    public static async Task<string> ReadAsync(CliConsole console, string path, string what, CancellationToken cancellationToken)
    {
        if (path == StandardInput)
        {
            return await console.In.ReadToEndAsync(cancellationToken);
        }

        var fullPath = Path.GetFullPath(path, console.WorkingDirectory);
        if (Directory.Exists(fullPath))
        {
            throw new UsageException($"{what} file '{fullPath}' is a directory.");
        }

        try
        {
            return await File.ReadAllTextAsync(fullPath, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            throw new UsageException($"{what} file '{fullPath}' does not exist.");
        }
        catch (DirectoryNotFoundException)
        {
            throw new UsageException($"{what} file '{fullPath}' does not exist.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{what} file '{fullPath}' cannot be read: {exception.Message}");
        }
    }
}
