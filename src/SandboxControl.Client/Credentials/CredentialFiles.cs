using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SandboxControl.Pki;

namespace SandboxControl.Client.Credentials;

/// <summary>
/// The PEM certificate, key and CA bundle on disk. Changes are detected by a SHA-256 of each file's
/// content (following symlinks, so a Kubernetes secret rotated by swapping its <c>..data</c> link is
/// seen, as is a same-size replacement with a preserved modification time), taken before reading, so a
/// write during a load is seen on the next check.
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

    /// <summary>
    /// Replaces the certificate and key files so that a failure at any step leaves a matching pair on disk:
    /// both are first written to temporary files (the key created with mode 0600), the old key is copied to
    /// <c>&lt;key&gt;.prev</c>, then the key and the certificate are renamed into place; if the certificate's
    /// rename fails, the old key is renamed back. <c>.prev</c> is removed once both renames succeeded.
    /// </summary>
    public void Persist(X509Certificate2 certificateWithKey)
    {
        lock (_gate)
        {
            var newCertificate = TemporaryPath(CertificatePath);
            var newKey = TemporaryPath(keyPath);
            var previousKey = keyPath + ".prev";
            var keyReplaced = false;
            try
            {
                PemFiles.WritePrivateKey(newKey, certificateWithKey);
                PemFiles.WriteCertificate(newCertificate, certificateWithKey);
                var hadKey = File.Exists(keyPath);
                if (hadKey)
                {
                    CopyPrivate(keyPath, previousKey);
                }

                File.Move(newKey, keyPath, overwrite: true);
                keyReplaced = true;
                try
                {
                    File.Move(newCertificate, CertificatePath, overwrite: true);
                }
                catch when (hadKey)
                {
                    // Kept even if this rename fails too: then <key>.prev is the key of the certificate on disk.
                    keyReplaced = false;
                    File.Move(previousKey, keyPath, overwrite: true);
                    throw;
                }

                _loaded = Take();
            }
            finally
            {
                TryDelete(newKey);
                TryDelete(newCertificate);
                if (keyReplaced)
                {
                    TryDelete(previousKey);
                }
            }
        }
    }

    private static string TemporaryPath(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".new");
    }

    private static void CopyPrivate(string source, string destination)
    {
        File.Delete(destination);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var input = File.OpenRead(source);
        using var output = new FileStream(destination, options);
        input.CopyTo(output);
        output.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind; harmless, and the next persist uses new names.
        }
    }

    private Stamp Take() => new(Of(CertificatePath), Of(keyPath), Of(caBundlePath));

    private static string Of(string path)
    {
        try
        {
            // File.ReadAllBytes follows symlinks, unlike FileInfo's time and size of a link.
            var content = File.ReadAllBytes(path);
            try
            {
                return Convert.ToHexString(SHA256.HashData(content));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(content);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private readonly record struct Stamp(string Certificate, string Key, string CaBundle);
}
