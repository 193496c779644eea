namespace SandboxSupervisor;

/// <summary>Where to connect and with which files; defaults to the dev server's demo sandbox (certs/dev/).</summary>
internal sealed record SupervisorSettings(Uri Server, string CertificatePath, string KeyPath, string CaPath, TimeSpan RunFor)
{
    public static SupervisorSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        var dev = Path.Combine(RepositoryRoot(), "certs", "dev");
        return new SupervisorSettings(
            new Uri(values.GetValueOrDefault("server", "https://127.0.0.1:7443")),
            values.GetValueOrDefault("cert", Path.Combine(dev, "sandbox-demo.crt")),
            values.GetValueOrDefault("key", Path.Combine(dev, "sandbox-demo.key")),
            values.GetValueOrDefault("ca", Path.Combine(dev, "ca.crt")),
            TimeSpan.FromSeconds(int.Parse(values.GetValueOrDefault("seconds", "10"), System.Globalization.CultureInfo.InvariantCulture)));
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
