using System.Diagnostics;

namespace SandboxControl.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away PostgreSQL cluster of this test alone (unix socket in its own temp directory), so the test can stop
/// and restart it; the shared server is never touched. Needs root (runs the server as the postgres user) and
/// Debian's postgresql package, as .ci/run installs it.
/// </summary>
public sealed class PrivatePostgresCluster : IDisposable
{
    private readonly string _bin;

    private PrivatePostgresCluster(string directory, string bin)
    {
        Directory = directory;
        _bin = bin;
    }

    public string Directory { get; }

    public string ConnectionString => $"Host={Directory};Username=postgres;Database=postgres;Timeout=3;Command Timeout=5";

    /// <summary>Null when no PostgreSQL server binaries are installed.</summary>
    public static string? FindBin() =>
        System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;

    public static PrivatePostgresCluster Create()
    {
        var bin = FindBin() ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql");
        var directory = System.IO.Directory.CreateTempSubdirectory("sandboxcontrol-pgfault-").FullName;
        Run("chmod", "755", directory);
        Run("chown", "postgres:", directory);
        var cluster = new PrivatePostgresCluster(directory, bin);
        cluster.AsPostgres("initdb", "-D", Path.Combine(directory, "data"), "-U", "postgres", "-A", "trust", "--no-sync");
        cluster.Start();
        return cluster;
    }

    public void Start() =>
        AsPostgres("pg_ctl", "-D", Path.Combine(Directory, "data"), "-l", Path.Combine(Directory, "server.log"), "-w",
            "-o", $"-c listen_addresses='' -k {Directory} -c fsync=off", "start");

    /// <summary>An outage: immediate stop, as a crash or a failover looks to the clients.</summary>
    public void Stop() => AsPostgres("pg_ctl", "-D", Path.Combine(Directory, "data"), "-m", "immediate", "-w", "stop");

    public void Dispose()
    {
        try
        {
            Stop();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void AsPostgres(string tool, params string[] arguments) => Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments]);

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {error}");
        }
    }
}
