namespace SandboxControl.Cli.Connection;

/// <summary>
/// Resolves each setting on its own, highest precedence first: flag, SANDBOXCTL_* environment variable,
/// config file, dev-mode checkout.
/// </summary>
internal static class ConnectionSettingsResolver
{
    private const string Hint =
        "pass --server/--ca/--cert/--key, set SANDBOXCTL_SERVER/_CA/_CERT/_KEY, write ~/.config/sandboxctl/config.json, "
        + "or run inside a checkout whose dev-mode server created certs/dev/";

    /// <exception cref="UsageException">A setting is missing or the server is not an https URL.</exception>
    public static ConnectionSettings Resolve(ConnectionFlags flags, CliConsole console)
    {
        var context = string.IsNullOrWhiteSpace(flags.Context) ? console.GetEnvironmentVariable("SANDBOXCTL_CONTEXT") : flags.Context;
        var config = ConfigFile.Load(console.HomeDirectory, string.IsNullOrWhiteSpace(context) ? null : context);
        var dev = DevModeDefaults.Find(console.WorkingDirectory);
        var server = Pick("server", flags.Server, console, "SANDBOXCTL_SERVER", config?.Server, dev?.Server, pathBase: null, config);
        var ca = Pick("CA file", flags.CaPath, console, "SANDBOXCTL_CA", config?.CaPath, dev?.CaPath, console.WorkingDirectory, config);
        var (certificate, key) = PickPair(flags, console, config, dev);
        return new ConnectionSettings(ParseServer(server), ca, certificate, key);
    }

    /// <summary>
    /// The certificate and its key always from one source: a certificate from a flag with a key from the config file
    /// (or the dev key) is a mismatched pair at best, and a confusing "key unusable" error at worst.
    /// </summary>
    private static (string Certificate, string Key) PickPair(ConnectionFlags flags, CliConsole console, ConfigFile? config, DevModeDefaults? dev)
    {
        if (Pair(flags.CertificatePath, flags.KeyPath, "--cert", "--key") is { } fromFlags)
        {
            return (Absolute(fromFlags.Certificate, console.WorkingDirectory), Absolute(fromFlags.Key, console.WorkingDirectory));
        }

        var fromEnvironment = Pair(console.GetEnvironmentVariable("SANDBOXCTL_CERT"), console.GetEnvironmentVariable("SANDBOXCTL_KEY"), "SANDBOXCTL_CERT", "SANDBOXCTL_KEY");
        if (fromEnvironment is { } environment)
        {
            return (Absolute(environment.Certificate, console.WorkingDirectory), Absolute(environment.Key, console.WorkingDirectory));
        }

        if (config is { CertificatePath: { } configCertificate, KeyPath: { } configKey })
        {
            return (Absolute(configCertificate, config.Directory), Absolute(configKey, config.Directory));
        }

        return dev is null
            ? throw new UsageException($"no client certificate configured: {Hint}.")
            : (dev.CertificatePath, dev.KeyPath);
    }

    private static (string Certificate, string Key)? Pair(string? certificate, string? key, string certificateName, string keyName)
    {
        var hasCertificate = !string.IsNullOrWhiteSpace(certificate);
        var hasKey = !string.IsNullOrWhiteSpace(key);
        if (hasCertificate != hasKey)
        {
            throw new UsageException(
                $"{certificateName} and {keyName} must be given together ({(hasCertificate ? certificateName : keyName)} was given without {(hasCertificate ? keyName : certificateName)}).");
        }

        return hasCertificate ? (certificate!, key!) : null;
    }

    private static string Pick(
        string what, string? flag, CliConsole console, string variable, string? fromConfig, string? fromDev, string? pathBase, ConfigFile? config)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return Absolute(flag, pathBase);
        }

        var fromEnvironment = console.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Absolute(fromEnvironment, pathBase);
        }

        if (fromConfig is not null && config is not null)
        {
            return Absolute(fromConfig, pathBase is null ? null : config.Directory);
        }

        return fromDev ?? throw new UsageException($"no {what} configured: {Hint}.");
    }

    private static string Absolute(string value, string? pathBase) => pathBase is null ? value : Path.GetFullPath(value, pathBase);

    private static Uri ParseServer(string server)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0)
        {
            // The value is not echoed: a mistyped URL may carry credentials.
            throw new UsageException("the server setting is not an https:// URL (for example https://127.0.0.1:7443).");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            throw new UsageException("the server setting must be https://host:port, without a path, query or credentials.");
        }

        return uri;
    }
}
