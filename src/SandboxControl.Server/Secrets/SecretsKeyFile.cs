using System.Security.Cryptography;
using System.Text;

namespace SandboxControl.Server.Secrets;

/// <summary>Creates key files for <see cref="SecretsOptions.KeyPath"/> (dev mode, first start).</summary>
internal static class SecretsKeyFile
{
    /// <summary>
    /// Writes the base64 of 32 fresh random bytes to a new file with mode 0600 (owner only).
    /// Refuses to overwrite an existing file: replacing the key would make every stored credential unreadable.
    /// </summary>
    public static void Create(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, so the key is never readable by others, not even for an instant.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var key = RandomNumberGenerator.GetBytes(AesGcmSecretProtector.KeySize);
        var encoded = Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n");
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(encoded);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(encoded);
        }
    }
}
