using System.Security.Cryptography;
using System.Text;

namespace SandboxControl.Cli.Certificates;

/// <summary>Writes a private key as unencrypted PKCS#8 PEM into a file that is created with mode 0600.</summary>
internal static class PrivateKeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <remarks>
    /// The mode is set when the temporary file is created (never a moment of world-readable key), and the
    /// rename replaces any older file whose mode was wider. Key bytes are zeroed after writing.
    /// </remarks>
    public static void Write(string fullPath, AsymmetricAlgorithm key)
    {
        var der = key.ExportPkcs8PrivateKey();
        var pem = PemEncoding.Write("PRIVATE KEY", der);
        var bytes = new byte[pem.Length + 1];
        try
        {
            Encoding.ASCII.GetBytes(pem, bytes);
            bytes[^1] = (byte)'\n';
            WriteOwnerOnly(fullPath, bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(bytes);
            Array.Clear(pem);
        }
    }

    private static void WriteOwnerOnly(string fullPath, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(fullPath) ?? throw new UsageException($"'{fullPath}' has no directory.");
        var temporary = Path.Combine(directory, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
