using System.Security.Cryptography;
using System.Text;

namespace SandboxControl.Server.Secrets;

/// <summary>
/// AES-256-GCM. Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
/// A random 96-bit nonce per call keeps the collision risk negligible for far more writes than a control plane does.
/// </summary>
internal sealed class AesGcmSecretProtector : ISecretProtector, IDisposable
{
    internal const int KeySize = 32;
    internal const byte FormatVersion = 1;
    internal const int NonceSize = 12;
    internal const int TagSize = 16;
    internal const int HeaderSize = 1 + NonceSize + TagSize;

    private readonly byte[] _key;

    public AesGcmSecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException("The key must be 32 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    public byte[] Protect(ReadOnlySpan<byte> plaintext, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(associatedData);

        var output = new byte[HeaderSize + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        var tag = output.AsSpan(1 + NonceSize, TagSize);
        var ciphertext = output.AsSpan(HeaderSize);
        RandomNumberGenerator.Fill(nonce);

        // One AesGcm per call: instances are not documented as thread-safe, and construction is cheap.
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(associatedData));
        return output;
    }

    public byte[] Unprotect(ReadOnlySpan<byte> protectedData, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(associatedData);

        if (protectedData.Length < HeaderSize || protectedData[0] != FormatVersion)
        {
            throw new SecretDecryptionException();
        }

        var nonce = protectedData.Slice(1, NonceSize);
        var tag = protectedData.Slice(1 + NonceSize, TagSize);
        var ciphertext = protectedData[HeaderSize..];
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, Encoding.UTF8.GetBytes(associatedData));
        }
        catch (CryptographicException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new SecretDecryptionException();
        }

        return plaintext;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
