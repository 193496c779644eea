using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using SandboxControl.Server.Hosting;

namespace SandboxControl.Server.Secrets;

/// <summary>
/// Reads the secrets key from the configured file or environment variable. Error messages name the source,
/// never its content.
/// </summary>
internal static class SecretsKeyLoader
{
    // A base64 key is 44 characters; anything much larger is not a key file.
    private const int MaxKeyFileBytes = 1024;

    /// <summary>Loads the key or throws <see cref="InvalidOperationException"/> with a one-line reason.</summary>
    public static byte[] Load(SecretsOptions options)
    {
        return TryLoad(options, out var key, out var error) ? key : throw new InvalidOperationException(error);
    }

    public static bool TryLoad(SecretsOptions options, [NotNullWhen(true)] out byte[]? key, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);

        return string.IsNullOrWhiteSpace(options.KeyPath)
            ? TryLoadFromEnvironment(options.KeyEnvironmentVariable, out key, out error)
            : TryLoadFromFile(options.KeyPath, out key, out error);
    }

    private static bool TryLoadFromFile(string path, [NotNullWhen(true)] out byte[]? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            error = $"Secrets:KeyPath '{path}' does not exist; create it with the base64 of 32 random bytes and mode 0600.";
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"Secrets:KeyPath '{path}' could not be read ({ReadFailure(path, ex)}).";
            return false;
        }

        using (stream)
        {
            if (!OperatingSystem.IsWindows())
            {
                // Stops other local users (or a compromised co-located process) from reading the credential key.
                // Checked on the open handle, so the file checked is the file read.
                if (FilePermissions.IsExposed(stream.SafeFileHandle))
                {
                    var mode = File.GetUnixFileMode(stream.SafeFileHandle);
                    error = $"Secrets:KeyPath '{path}' is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); run chmod 600 on it.";
                    return false;
                }
            }

            var content = new byte[MaxKeyFileBytes + 1];
            try
            {
                var length = stream.ReadAtLeast(content, content.Length, throwOnEndOfStream: false);
                if (length <= MaxKeyFileBytes && TryDecode(content.AsSpan(0, length), out key))
                {
                    error = null;
                    return true;
                }

                error = $"Secrets:KeyPath '{path}' does not contain the base64 of exactly 32 bytes.";
                return false;
            }
            catch (IOException ex)
            {
                error = $"Secrets:KeyPath '{path}' could not be read ({ReadFailure(path, ex)}).";
                return false;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(content);
            }
        }
    }

    private static bool TryLoadFromEnvironment(string? variable, [NotNullWhen(true)] out byte[]? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(variable))
        {
            error = "Secrets: no key source configured; set Secrets:KeyPath to a key file or Secrets:KeyEnvironmentVariable to an environment variable holding the base64 of 32 random bytes.";
            return false;
        }

        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            error = $"Secrets: no encryption key; set Secrets:KeyPath to a key file or the environment variable {variable} to the base64 of 32 random bytes.";
            return false;
        }

        var encoded = Encoding.UTF8.GetBytes(value);
        try
        {
            if (TryDecode(encoded, out key))
            {
                error = null;
                return true;
            }

            error = $"Secrets: the environment variable {variable} does not hold the base64 of exactly 32 bytes.";
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out byte[]? key)
    {
        var trimmed = utf8.Trim(" \t\r\n"u8);
        var buffer = new byte[AesGcmSecretProtector.KeySize];
        var status = Base64.DecodeFromUtf8(trimmed, buffer, out var consumed, out var written);
        if (status == OperationStatus.Done && consumed == trimmed.Length && written == buffer.Length)
        {
            key = buffer;
            return true;
        }

        CryptographicOperations.ZeroMemory(buffer);
        key = null;
        return false;
    }

    // The reason in words a user acts on; the exception text is not shown (it could quote the file's content).
    private static string ReadFailure(string path, Exception exception) => exception switch
    {
        _ when Directory.Exists(path) => "it is a directory",
        UnauthorizedAccessException => "permission denied",
        _ => "I/O error",
    };
}
