using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SandboxControl.Pki;

/// <summary>Reads and writes PEM certificates and private keys.</summary>
/// <remarks>Error messages name the file, never its contents.</remarks>
public static class PemFiles
{
    private const UnixFileMode PublicFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes one certificate as PEM, mode 0644, replacing any existing file.</summary>
    /// <param name="path">Destination file; its directory must exist.</param>
    /// <param name="certificate">The certificate (its key, if any, is not written).</param>
    public static void WriteCertificate(string path, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        WriteCertificates(path, [certificate]);
    }

    /// <summary>Writes a bundle of PEM certificates, mode 0644, replacing any existing file.</summary>
    /// <param name="path">Destination file; its directory must exist.</param>
    /// <param name="certificates">The certificates, in order.</param>
    public static void WriteCertificates(string path, IEnumerable<X509Certificate2> certificates)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(certificates);
        var text = new StringBuilder();
        foreach (var certificate in certificates)
        {
            text.Append(certificate.ExportCertificatePem()).Append('\n');
        }

        SecureFileWriter.Write(path, Encoding.ASCII.GetBytes(text.ToString()), PublicFileMode);
    }

    /// <summary>Writes the certificate's private key as unencrypted PKCS#8 PEM, in a file created with mode 0600.</summary>
    /// <param name="path">Destination file; its directory must exist.</param>
    /// <param name="certificateWithKey">A certificate with an ECDSA or RSA private key.</param>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public static void WritePrivateKey(string path, X509Certificate2 certificateWithKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(certificateWithKey);
        if (!certificateWithKey.HasPrivateKey)
        {
            throw new ArgumentException("The certificate has no private key.", nameof(certificateWithKey));
        }

        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificateWithKey.GetECDsaPrivateKey()
            ?? certificateWithKey.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate's private key is neither ECDSA nor RSA.", nameof(certificateWithKey));
        WritePrivateKey(path, key);
    }

    /// <summary>Writes a private key as unencrypted PKCS#8 PEM into a file created with mode 0600 (replacing any older file).</summary>
    /// <param name="path">Destination; its directory must exist.</param>
    /// <param name="key">An ECDSA or RSA key with its private part.</param>
    public static void WritePrivateKey(string path, AsymmetricAlgorithm key)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(key);
        var der = key.ExportPkcs8PrivateKey();
        var pem = PemEncoding.Write("PRIVATE KEY", der);
        var bytes = new byte[pem.Length + 1];
        try
        {
            Encoding.ASCII.GetBytes(pem, bytes);
            bytes[^1] = (byte)'\n';
            SecureFileWriter.Write(path, bytes, PrivateFileMode);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(bytes);
            Array.Clear(pem);
        }
    }

    /// <summary>Loads a certificate (the first in the file) with its ECDSA or RSA private key.</summary>
    /// <param name="certificatePath">PEM certificate file.</param>
    /// <param name="privateKeyPath">PEM private key file (PKCS#8, SEC1 or PKCS#1, unencrypted).</param>
    /// <returns>The certificate with its key; usable by <c>SslStream</c> on Linux as a client or server certificate.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file cannot be parsed or the key does not match the certificate.</exception>
    public static X509Certificate2 LoadCertificateWithKey(string certificatePath, string privateKeyPath)
    {
        using var certificate = ReadCertificate(certificatePath);
        var keyText = ReadText(privateKeyPath);
        try
        {
            if (certificate.GetECDsaPublicKey() is { } ecdsaPublic)
            {
                ecdsaPublic.Dispose();
                using var ecdsa = ECDsa.Create();
                ImportKey(ecdsa, keyText, privateKeyPath);
                return CopyWithKey(certificatePath, privateKeyPath, () => certificate.CopyWithPrivateKey(ecdsa));
            }

            if (certificate.GetRSAPublicKey() is { } rsaPublic)
            {
                rsaPublic.Dispose();
                using var rsa = RSA.Create();
                ImportKey(rsa, keyText, privateKeyPath);
                return CopyWithKey(certificatePath, privateKeyPath, () => certificate.CopyWithPrivateKey(rsa));
            }
        }
        finally
        {
            Array.Clear(keyText);
        }

        throw new InvalidDataException($"The certificate in '{certificatePath}' has neither an ECDSA nor an RSA public key.");
    }

    /// <summary>Loads every certificate of a PEM bundle.</summary>
    /// <param name="path">PEM file with one or more certificates.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file holds no certificate or an unparsable one.</exception>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var text = ReadText(path);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidDataException($"'{path}' contains a certificate that cannot be parsed.", exception);
        }

        if (certificates.Count == 0)
        {
            throw new InvalidDataException($"'{path}' contains no PEM certificate.");
        }

        return certificates;
    }

    private static X509Certificate2 ReadCertificate(string path)
    {
        var text = ReadText(path);
        try
        {
            return X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidDataException($"'{path}' does not contain a parsable PEM certificate.", exception);
        }
    }

    // Inner exceptions of key parsing are left out: this error path must never carry key material.
    private static void ImportKey(AsymmetricAlgorithm key, char[] keyText, string path)
    {
        try
        {
            key.ImportFromPem(keyText);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            throw new InvalidDataException($"'{path}' does not contain a parsable unencrypted PEM private key of the certificate's algorithm.");
        }
    }

    private static X509Certificate2 CopyWithKey(string certificatePath, string privateKeyPath, Func<X509Certificate2> copy)
    {
        try
        {
            return copy();
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            throw new PrivateKeyMismatchException($"The private key in '{privateKeyPath}' does not match the certificate in '{certificatePath}'.");
        }
    }

    private static char[] ReadText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            return Encoding.ASCII.GetChars(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
