using Microsoft.Extensions.Options;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Audit.Index;

/// <summary>
/// Keeps the shared audit index to Audit:IndexRetention: shortly after start and then every interval, deletes the
/// events the index stored longer ago than that, in bounded statements. The age is the database's (one clock for
/// every replica); several replicas pruning at once delete each row once. Failures wait for the next interval.
/// </summary>
internal sealed class AuditIndexPruner(
    AuditIndexing indexing,
    IOptions<AuditOptions> options,
    ILogger<AuditIndexPruner> logger) : BackgroundService
{
    private const int BatchRows = 10_000;
    private static readonly TimeSpan FirstRun = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly TimeSpan _retention = options.Value.IndexRetention;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (indexing.Index is not { } index || _retention <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(FirstRun, stoppingToken).ConfigureAwait(false);
            while (true)
            {
                await PruneOnceAsync(index, stoppingToken).ConfigureAwait(false);
                await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes every expired event, a batch at a time, and logs how many.</summary>
    private async Task PruneOnceAsync(IAuditIndex index, CancellationToken cancellationToken)
    {
        var (deleted, failure) = await BatchedDeletion.RunAsync(
            token => index.DeleteStoredBeforeAsync(_retention, BatchRows, token), BatchRows, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            Log.AuditIndexPruneFailed(logger, failure.GetType().Name, failure.Message, Interval);
        }

        if (deleted > 0)
        {
            Log.AuditIndexPruned(logger, deleted, _retention);
        }
    }
}
