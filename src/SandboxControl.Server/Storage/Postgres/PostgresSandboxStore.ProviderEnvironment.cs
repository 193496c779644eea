using System.Diagnostics;

namespace SandboxControl.Server.Storage.Postgres;

/// <summary>Provider credentials: sealed (<see cref="ProviderEnvironmentSealing"/>), then stored; plaintext never reaches PostgreSQL.</summary>
internal sealed partial class PostgresSandboxStore
{
    public async Task<bool> SetProviderEnvironmentAsync(string sandboxId, IReadOnlyDictionary<string, string> variables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(variables);

        // A stale directory is an outage, not an absence: answering "not found" would be false.
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _confirmedAt)) > _maxStaleness)
        {
            throw new StorageUnavailableException("database unreachable: sandbox directory not current");
        }

        if (GetSandboxEntry(sandboxId) is not { } entry)
        {
            return false;
        }

        var blob = ProviderEnvironmentSealing.Seal(_protector, sandboxId, entry.Incarnation, variables);

        return await WriteAsync(
            async connection =>
            {
                // The INSERT ... SELECT writes nothing when the sandbox (this incarnation of it) does not exist.
                await using var upsert = Command(
                    connection,
                    """
                    INSERT INTO provider_env (sandbox_id, blob, updated_at)
                    SELECT id, @blob, @now FROM sandboxes WHERE id = @id AND incarnation = @sealedFor
                    ON CONFLICT (sandbox_id) DO UPDATE SET blob = excluded.blob, updated_at = excluded.updated_at;
                    """);
                upsert.Parameters.AddWithValue("id", sandboxId);
                upsert.Parameters.AddWithValue("blob", blob);
                upsert.Parameters.AddWithValue("sealedFor", entry.Incarnation);
                upsert.Parameters.AddWithValue("now", UnixMsNow());
                return await upsert.ExecuteNonQueryAsync(cancellationToken) > 0;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string>?> GetProviderEnvironmentAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandboxId);

        byte[]? blob;
        string sealedFor;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        await using (var query = Command(
            connection,
            "SELECT e.blob, s.incarnation FROM sandboxes s LEFT JOIN provider_env e ON e.sandbox_id = s.id WHERE s.id = @id AND (@incarnation IS NULL OR s.incarnation = @incarnation);"))
        {
            query.Parameters.AddWithValue("id", sandboxId);
            AddIncarnation(query, incarnation);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            blob = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
            sealedFor = reader.GetString(1);
        }

        if (blob is null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return ProviderEnvironmentSealing.Open(_protector, _logger, sandboxId, sealedFor, blob);
    }
}
