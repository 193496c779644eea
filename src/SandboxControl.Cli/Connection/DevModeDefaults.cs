namespace SandboxControl.Cli.Connection;

/// <summary>
/// The settings of a server started with <c>dotnet run</c> in dev mode: found by walking up from the
/// working directory to the checkout (the folder holding SandboxControl.sln) with <c>certs/dev/operator-admin.crt</c>.
/// </summary>
internal sealed record DevModeDefaults(string Server, string CaPath, string CertificatePath, string KeyPath)
{
    public const string DevServer = "https://127.0.0.1:7443";

    public static DevModeDefaults? Find(string workingDirectory)
    {
        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            if (!File.Exists(Path.Combine(directory.FullName, "SandboxControl.sln")))
            {
                continue;
            }

            var dev = Path.Combine(directory.FullName, "certs", "dev");
            var certificate = Path.Combine(dev, "operator-admin.crt");
            return File.Exists(certificate)
                ? new DevModeDefaults(DevServer, Path.Combine(dev, "ca.crt"), certificate, Path.Combine(dev, "operator-admin.key"))
                : null;
        }

        return null;
    }
}
