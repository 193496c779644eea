using System.Diagnostics;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>Real faults for the fault tier: a small tmpfs that fills up, chattr flags.</summary>
public static class FaultTools
{
    /// <summary>Mounts a tmpfs of <paramref name="size"/> (e.g. "2m") on <paramref name="directory"/>; dispose unmounts.</summary>
    public static IDisposable MountTmpfs(string directory, string size)
    {
        Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", directory);
        return new Unmount(directory);
    }

    /// <summary>Writes a filler file until the file system is full; returns its path (delete it to free the space).</summary>
    public static string Fill(string directory)
    {
        var path = Path.Combine(directory, "filler");
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                stream.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }

        return path;
    }

    public static void Chattr(string flag, string path) => Run("chattr", flag, path);

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }

    private sealed class Unmount(string directory) : IDisposable
    {
        public void Dispose() => Run("umount", "-l", directory);
    }
}
