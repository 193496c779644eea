namespace SandboxControl.Server.Storage;

/// <summary>One pass of a background pruner: deletes batch after batch until one comes back short.</summary>
internal static class BatchedDeletion
{
    /// <summary>How many were deleted, and the failure that ended the pass early (null if none). Cancellation at stop is not a failure: it propagates.</summary>
    public static async Task<(long Deleted, Exception? Failure)> RunAsync(
        Func<CancellationToken, Task<int>> deleteBatch, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deleteBatch);

        long deleted = 0;
        try
        {
            int batch;
            do
            {
                batch = await deleteBatch(cancellationToken).ConfigureAwait(false);
                deleted += batch;
            }
            while (batch == batchSize);
            return (deleted, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (deleted, ex);
        }
    }
}
