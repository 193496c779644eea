using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Identity;

/// <summary>Polls the deny list file. Polling, not FileSystemWatcher: it also sees atomic renames and network mounts.</summary>
internal sealed class DenyListWatcher(CertificateDenyList denyList, IOptions<IdentityOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!denyList.IsConfigured)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.DenyListPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                denyList.Refresh();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
