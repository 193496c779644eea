using System.Text;

namespace SandboxControl.Cli.Input;

/// <summary>
/// Reads a policy document strictly: UTF-8 text without control characters. A binary or mis-encoded file is refused
/// here rather than sent with its bytes silently replaced.
/// </summary>
internal static class PolicyText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="UsageException">The file is unreadable, not UTF-8, or contains control characters.</exception>
    public static async Task<string> ReadAsync(CliConsole console, string path, CancellationToken cancellationToken)
    {
        if (path == InputText.StandardInput)
        {
            // Standard input arrives already decoded: a replacement character is where an invalid byte was.
            var piped = await console.In.ReadToEndAsync(cancellationToken);
            return Checked(piped, "policy from standard input", piped.Contains('\uFFFD', StringComparison.Ordinal));
        }

        var fullPath = Path.GetFullPath(path, console.WorkingDirectory);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(fullPath, cancellationToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"policy file '{fullPath}' does not exist.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"policy file '{fullPath}' cannot be read: {exception.Message}");
        }

        var start = bytes.AsSpan().StartsWith(Strict.Preamble) ? Strict.Preamble.Length : 0;
        try
        {
            return Checked(Strict.GetString(bytes, start, bytes.Length - start), $"policy file '{fullPath}'", invalidUtf8: false);
        }
        catch (DecoderFallbackException)
        {
            return Checked(string.Empty, $"policy file '{fullPath}'", invalidUtf8: true);
        }
    }

    private static string Checked(string text, string what, bool invalidUtf8)
    {
        if (invalidUtf8)
        {
            throw new UsageException($"{what} is not UTF-8 text (a binary file?); nothing was sent.");
        }

        // The server refuses these too; saying so here names the file.
        if (text.Any(character => char.IsControl(character) && character is not ('\t' or '\n' or '\r')))
        {
            throw new UsageException($"{what} contains control characters (a binary file?); nothing was sent.");
        }

        return text;
    }
}
