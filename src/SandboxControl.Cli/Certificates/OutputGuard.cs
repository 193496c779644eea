namespace SandboxControl.Cli.Certificates;

/// <summary>Refuses to overwrite key material unless asked to: replacing a CA key by accident cannot be undone.</summary>
internal static class OutputGuard
{
    /// <exception cref="UsageException">A file exists and <paramref name="force"/> is off, or a directory is missing.</exception>
    public static void EnsureWritable(bool force, params IReadOnlyList<string> fullPaths)
    {
        foreach (var path in fullPaths)
        {
            if (!force && File.Exists(path))
            {
                throw new UsageException($"'{path}' already exists; pass --force to replace it.");
            }

            var directory = Path.GetDirectoryName(path);
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new UsageException($"directory '{directory}' does not exist.");
            }
        }

        if (fullPaths.Distinct(StringComparer.Ordinal).Count() != fullPaths.Count)
        {
            throw new UsageException("the output files must be different.");
        }
    }
}
