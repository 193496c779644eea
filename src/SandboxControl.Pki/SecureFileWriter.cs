namespace SandboxControl.Pki;

/// <summary>Writes a file through a temporary file and a rename, created with its final Unix mode.</summary>
internal static class SecureFileWriter
{
    /// <summary>
    /// The mode is set at creation (no window in which a key file is world-readable, unlike a chmod
    /// afterwards), and the rename also replaces an existing file whose mode was wider. On Windows the
    /// file inherits the directory's ACL.
    /// </summary>
    internal static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("The path has no directory.", nameof(path));
        var temporaryPath = Path.Combine(directory, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporaryPath, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }
    }
}
