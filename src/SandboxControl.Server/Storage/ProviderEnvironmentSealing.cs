using System.Security.Cryptography;
using System.Text.Json;
using SandboxControl.Server.Secrets;

namespace SandboxControl.Server.Storage;

/// <summary>
/// How every engine turns a provider environment into the blob it stores and back: serialized with sorted keys,
/// encrypted with the secrets key, bound to one incarnation of one sandbox. Plaintext never reaches a database.
/// </summary>
internal static class ProviderEnvironmentSealing
{
    public static byte[] Seal(ISecretProtector protector, string sandboxId, string incarnation, IReadOnlyDictionary<string, string> variables)
    {
        // Sorted keys: the same environment always serializes to the same plaintext.
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            sorted[name] = value;
        }

        var plaintext = JsonSerializer.SerializeToUtf8Bytes(sorted, ProviderEnvironmentJsonContext.Default.SortedDictionaryStringString);
        try
        {
            return protector.Protect(plaintext, AssociatedData(sandboxId, incarnation));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Throws <see cref="SecretDecryptionException"/> (and logs which sandbox) for a wrong key or a tampered or moved blob.</summary>
    public static Dictionary<string, string> Open(ISecretProtector protector, ILogger logger, string sandboxId, string incarnation, byte[] blob)
    {
        byte[] plaintext;
        try
        {
            plaintext = protector.Unprotect(blob, AssociatedData(sandboxId, incarnation));
        }
        catch (SecretDecryptionException)
        {
            Log.ProviderEnvironmentUndecryptable(logger, sandboxId);
            throw;
        }

        try
        {
            var variables = JsonSerializer.Deserialize(plaintext, ProviderEnvironmentJsonContext.Default.DictionaryStringString);
            return variables is null
                ? throw new SecretDecryptionException()
                : new Dictionary<string, string>(variables, StringComparer.Ordinal);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    // Binds the ciphertext to one incarnation of one sandbox: a blob copied into another sandbox's row,
    // or restored into a re-created sandbox of the same id, fails to decrypt. Rows from before incarnation ids
    // carry their creation time (decimal ms) as incarnation, which is what their blobs were sealed with.
    private static string AssociatedData(string sandboxId, string incarnation) =>
        "provider-env:" + sandboxId + ":" + incarnation;
}
