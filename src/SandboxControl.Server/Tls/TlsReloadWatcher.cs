namespace SandboxControl.Server.Tls;

/// <summary>Polls the TLS files; polling also sees atomic renames and the symlink swaps of Kubernetes secret mounts.</summary>
internal sealed class TlsReloadWatcher(TlsMaterialProvider provider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(provider.ReloadInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                provider.Refresh();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
