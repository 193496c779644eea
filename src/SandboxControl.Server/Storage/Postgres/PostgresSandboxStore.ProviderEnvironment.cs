using System.Security.Cryptography;
using System.Text.Json;
using SandboxControl.Server.Secrets;

using SandboxControl.Server.Storage.Sqlite;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>Provider credentials: serialized, encrypted with the secrets key, then stored; plaintext never reaches PostgreSQL. Same associated data as the SQLite engine.</summary>
internal sealed partial class PostgresSandboxStore
{
    public async Task<bool> SetProviderEnvironmentAsync(string sandboxId, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(variables);

        // Sorted keys: the same environment always serializes to the same plaintext.
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            sorted[name] = value;
        }

        if (GetSandboxCreatedAt(sandboxId) is not { } createdAt)
        {
            return false;
        }

        var createdAtMs = createdAt.ToUnixTimeMilliseconds();
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(sorted, ProviderEnvironmentJsonContext.Default.SortedDictionaryStringString);
        byte[] blob;
        try
        {
            blob = _protector.Protect(plaintext, ProviderEnvironmentAssociatedData(sandboxId, createdAtMs));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return await WriteAsync(
            async connection =>
            {
                // The INSERT ... SELECT writes nothing when the sandbox (this incarnation of it) does not exist.
                await using var upsert = Command(
                    connection,
                    """
                    INSERT INTO provider_env (sandbox_id, blob, updated_at)
                    SELECT id, @blob, @now FROM sandboxes WHERE id = @id AND created_at = @created
                    ON CONFLICT (sandbox_id) DO UPDATE SET blob = excluded.blob, updated_at = excluded.updated_at;
                    """);
                upsert.Parameters.AddWithValue("id", sandboxId);
                upsert.Parameters.AddWithValue("blob", blob);
                upsert.Parameters.AddWithValue("created", createdAtMs);
                upsert.Parameters.AddWithValue("now", UnixMsNow());
                return await upsert.ExecuteNonQueryAsync(cancellationToken) > 0;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string>?> GetProviderEnvironmentAsync(string sandboxId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        byte[]? blob;
        long createdAtMs;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        await using (var query = Command(
            connection,
            "SELECT e.blob, s.created_at FROM sandboxes s LEFT JOIN provider_env e ON e.sandbox_id = s.id WHERE s.id = @id;"))
        {
            query.Parameters.AddWithValue("id", sandboxId);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            blob = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
            createdAtMs = reader.GetInt64(1);
        }

        if (blob is null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        byte[] plaintext;
        try
        {
            plaintext = _protector.Unprotect(blob, ProviderEnvironmentAssociatedData(sandboxId, createdAtMs));
        }
        catch (SecretDecryptionException)
        {
            Log.ProviderEnvironmentUndecryptable(_logger, sandboxId);
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
    // or restored into a re-created sandbox of the same id, fails to decrypt.
    private static string ProviderEnvironmentAssociatedData(string sandboxId, long createdAtMs) =>
        "provider-env:" + sandboxId + ":" + createdAtMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
