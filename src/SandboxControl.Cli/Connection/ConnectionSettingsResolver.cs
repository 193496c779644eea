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
        var config = ConfigFile.Load(console.HomeDirectory);
        var dev = DevModeDefaults.Find(console.WorkingDirectory);
        var server = Pick("server", flags.Server, console, "SANDBOXCTL_SERVER", config?.Server, dev?.Server, pathBase: null, config);
        var ca = Pick("CA file", flags.CaPath, console, "SANDBOXCTL_CA", config?.CaPath, dev?.CaPath, console.WorkingDirectory, config);
        var certificate = Pick("client certificate", flags.CertificatePath, console, "SANDBOXCTL_CERT", config?.CertificatePath, dev?.CertificatePath, console.WorkingDirectory, config);
        var key = Pick("client key", flags.KeyPath, console, "SANDBOXCTL_KEY", config?.KeyPath, dev?.KeyPath, console.WorkingDirectory, config);
        return new ConnectionSettings(ParseServer(server), ca, certificate, key);
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
