namespace SandboxSupervisor;

/// <summary>Where to connect and with which files; defaults to the dev server's demo sandbox (certs/dev/).</summary>
internal sealed record SupervisorSettings(Uri Server, string CertificatePath, string KeyPath, string CaPath, TimeSpan RunFor)
{
    public const string Usage = """
        Usage: SandboxSupervisor [--server URL] [--cert FILE] [--key FILE] [--ca FILE] [--seconds N]

        Runs a demo sandbox supervisor: prints the policy, reports it loaded, lists credential names
        (never values), renews the certificate once in memory and pushes a heartbeat line per second.
          --server URL   control plane address (default https://127.0.0.1:7443)
          --cert FILE    sandbox certificate (default certs/dev/sandbox-demo.crt)
          --key FILE     its private key (default certs/dev/sandbox-demo.key)
          --ca FILE      CA bundle the server certificate must chain to (default certs/dev/ca.crt)
          --seconds N    how long to push heartbeats (default 10)

        Exit codes: 0 done, 1 the server refused a call, 2 usage error or unusable certificate files,
        3 cannot connect (server unreachable or TLS handshake refused).
        """;

    private static readonly string[] Known = ["server", "cert", "key", "ca", "seconds"];

    /// <exception cref="ArgumentException">An unknown option, a missing value or a value out of range (a usage error).</exception>
    public static SupervisorSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is null || !Known.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"unknown option '{args[i]}' (see --help)");
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option '--{name}' needs a value");
            }

            values[name] = args[i + 1];
        }

        if (!Uri.TryCreate(values.GetValueOrDefault("server", "https://127.0.0.1:7443"), UriKind.Absolute, out var server) || server.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"--server '{values["server"]}' is not an https:// URL");
        }

        if (!int.TryParse(values.GetValueOrDefault("seconds", "10"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            throw new ArgumentException($"--seconds '{values["seconds"]}' is not a whole number of seconds");
        }

        var dev = Path.Combine(RepositoryRoot(), "certs", "dev");
        return new SupervisorSettings(
            server,
            values.GetValueOrDefault("cert", Path.Combine(dev, "sandbox-demo.crt")),
            values.GetValueOrDefault("key", Path.Combine(dev, "sandbox-demo.key")),
            values.GetValueOrDefault("ca", Path.Combine(dev, "ca.crt")),
            TimeSpan.FromSeconds(seconds));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SandboxControl.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
