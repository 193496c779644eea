using Microsoft.Extensions.Options;
using SandboxControl.Server.Issuance;

namespace SandboxControl.Server.Storage;

/// <summary>
/// Keeps the recorded certificates (table and allow list) from growing with every renewal: at start and then every
/// interval, deletes the certificates expired longer than Issuance:ExpiredCertificateRetention, in bounded
/// transactions, re-parenting their children so lineage revocation still reaches every remaining descendant.
/// Several replicas pruning at once delete each certificate once. Failures wait for the next interval.
/// </summary>
internal sealed class CertificatePruner(
    ISandboxStore store,
    IOptions<IssuanceOptions> options,
    ILogger<CertificatePruner> logger) : BackgroundService
{
    private const int BatchCertificates = 1000;
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly TimeSpan _retention = options.Value.ExpiredCertificateRetention;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await PruneOnceAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes every certificate past retention, a batch at a time, and logs how many.</summary>
    private async Task PruneOnceAsync(CancellationToken cancellationToken)
    {
        var (deleted, failure) = await BatchedDeletion.RunAsync(
            token => store.PruneExpiredCertificatesAsync(_retention, BatchCertificates, token), BatchCertificates, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            Log.CertificatePruneFailed(logger, failure.GetType().Name, failure.Message, Interval);
        }

        if (deleted > 0)
        {
            Log.CertificatesPruned(logger, deleted, _retention);
        }
    }
}
