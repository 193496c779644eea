using System.Security.Cryptography.X509Certificates;
using SandboxControl.Client;
using SandboxControl.IntegrationTests.Infrastructure;
using SandboxControl.Pki;

namespace SandboxControl.IntegrationTests.SandboxSide;

/// <summary>A sandbox's certificate and key as PEM files in a temp directory, as a pod would mount them.</summary>
public sealed class SandboxFiles : IDisposable
{
    private readonly TempDirectory _directory = new("sandbox-files");

    public SandboxFiles(X509Certificate2 certificate) => Replace(certificate);

    public string CertificatePath => _directory.Combine("tls.crt");

    public string KeyPath => _directory.Combine("tls.key");

    /// <summary>Writes the key first, then the certificate, each through a rename (what a secret rotation does).</summary>
    public void Replace(X509Certificate2 certificate)
    {
        PemFiles.WritePrivateKey(KeyPath, certificate);
        PemFiles.WriteCertificate(CertificatePath, certificate);
    }

    public SandboxClientOptions Options(Uri server, string caPath) => new()
    {
        ServerAddress = server,
        CertificatePath = CertificatePath,
        KeyPath = KeyPath,
        CaBundlePath = caPath,
        FileCheckInterval = TimeSpan.FromMilliseconds(100),
        CallTimeout = TimeSpan.FromSeconds(10),
    };

    public void Dispose() => _directory.Dispose();
}
