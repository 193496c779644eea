namespace SandboxControl.Cli.Output;

/// <summary>Writes public output files (certificates, CSRs); private keys go through <c>PrivateKeyFile</c>.</summary>
internal static class OutputFiles
{
    /// <exception cref="UsageException">The file cannot be written.</exception>
    public static async Task WriteTextAsync(string fullPath, string text, CancellationToken cancellationToken)
    {
        try
        {
            await File.WriteAllTextAsync(fullPath, text, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write '{fullPath}': {exception.Message}");
        }
    }
}
