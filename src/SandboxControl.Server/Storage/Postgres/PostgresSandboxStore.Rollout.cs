namespace SandboxControl.Server.Storage.Postgres;

/// <summary>The fleet's rollout view: one primary-key range scan per page.</summary>
internal sealed partial class PostgresSandboxStore
{
    private static readonly string RolloutFirstPage = RolloutRows.Query('@', after: false);
    private static readonly string RolloutNextPage = RolloutRows.Query('@', after: true);

    public async Task<IReadOnlyList<PolicyRolloutRecord>> ListPolicyRolloutAsync(string? afterSandboxId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var query = Command(connection, afterSandboxId is null ? RolloutFirstPage : RolloutNextPage);
        if (afterSandboxId is not null)
        {
            query.Parameters.AddWithValue("after", afterSandboxId);
        }

        query.Parameters.AddWithValue("limit", limit);
        query.Parameters.AddWithValue("loaded", (int)PolicyState.Loaded);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await RolloutRows.ReadAsync(reader, cancellationToken);
    }
}
