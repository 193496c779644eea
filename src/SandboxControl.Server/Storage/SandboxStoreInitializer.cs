namespace SandboxControl.Server.Storage;

/// <summary>
/// Runs <see cref="ISandboxStore.InitializeAsync"/> when the host starts, before the server accepts connections,
/// so a database that cannot be opened or migrated stops start-up.
/// </summary>
internal sealed class SandboxStoreInitializer(ISandboxStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
