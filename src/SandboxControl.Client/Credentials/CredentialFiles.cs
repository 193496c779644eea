using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;

namespace SandboxControl.Client.Credentials;

/// <summary>
/// The PEM certificate, key and CA bundle on disk. Changes are detected by modification time and size,
/// taken before reading, so a write during a load is seen on the next check.
/// </summary>
internal sealed class CredentialFiles(string certificatePath, string keyPath, string caBundlePath)
{
    private readonly Lock _gate = new();
    private Stamp _loaded;

    public string CertificatePath { get; } = certificatePath;

    public bool HaveChanged()
    {
        lock (_gate)
        {
            return Take() != _loaded;
        }
    }

    /// <summary>Loads all three files.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is unparsable, the key does not match, or the certificate names no sandbox.</exception>
    public ClientCredentials Load()
    {
        lock (_gate)
        {
            // Recorded even if loading fails: a broken pair is retried when the files change again, not every tick.
            _loaded = Take();
            var certificate = PemFiles.LoadCertificateWithKey(CertificatePath, keyPath);
            try
            {
                return new ClientCredentials(certificate, PemFiles.LoadCertificates(caBundlePath));
            }
            catch
            {
                certificate.Dispose();
                throw;
            }
        }
    }

    /// <summary>Replaces the certificate and key files: the key first (mode 0600, through a rename), so a reader never pairs a new certificate with an old key.</summary>
    public void Persist(X509Certificate2 certificateWithKey)
    {
        lock (_gate)
        {
            PemFiles.WritePrivateKey(keyPath, certificateWithKey);
            PemFiles.WriteCertificate(CertificatePath, certificateWithKey);
            _loaded = Take();
        }
    }

    private Stamp Take() => new(Of(CertificatePath), Of(keyPath), Of(caBundlePath));

    private static (DateTime, long) Of(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    private readonly record struct Stamp((DateTime, long) Certificate, (DateTime, long) Key, (DateTime, long) CaBundle);
}
