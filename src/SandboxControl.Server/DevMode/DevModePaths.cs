namespace SandboxControl.Server.DevMode;

/// <summary>Where dev mode keeps its generated PKI and data: certs/dev/ and data/ at the repository root.</summary>
internal sealed record DevModePaths(string RootDirectory, string CertificateDirectory, string DataDirectory)
{
    public const string TrustDomain = "sandboxcontrol.dev";
    public const string OperatorName = "admin";
    public const string IssuerName = "issuer";
    public const string DemoSandboxId = "demo";

    public string CaCertificate => Path.Combine(CertificateDirectory, "ca.crt");
    public string CaKey => Path.Combine(CertificateDirectory, "ca.key");
    public string ServerCertificate => Path.Combine(CertificateDirectory, "server.crt");
    public string ServerKey => Path.Combine(CertificateDirectory, "server.key");
    public string OperatorCertificate => Path.Combine(CertificateDirectory, "operator-admin.crt");
    public string OperatorKey => Path.Combine(CertificateDirectory, "operator-admin.key");
    public string IssuerCertificate => Path.Combine(CertificateDirectory, "operator-issuer.crt");
    public string IssuerKey => Path.Combine(CertificateDirectory, "operator-issuer.key");
    public string SandboxCertificate => Path.Combine(CertificateDirectory, "sandbox-demo.crt");
    public string SandboxKey => Path.Combine(CertificateDirectory, "sandbox-demo.key");
    public string SecretsKey => Path.Combine(CertificateDirectory, "secrets.key");
    public string Database => Path.Combine(DataDirectory, "dev.db");
    public string AuditLog => Path.Combine(DataDirectory, "audit.log");

    /// <summary>The repository root if we run inside a checkout (found by SandboxControl.sln), else the working directory.</summary>
    public static DevModePaths Locate(string startDirectory)
    {
        var root = startDirectory;
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SandboxControl.sln")))
            {
                root = directory.FullName;
                break;
            }
        }

        return new DevModePaths(root, Path.Combine(root, "certs", "dev"), Path.Combine(root, "data"));
    }
}
