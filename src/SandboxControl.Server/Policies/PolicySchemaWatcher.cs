using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Policies;

/// <summary>Polls the schema file like the deny list: polling also sees atomic renames and network mounts.</summary>
internal sealed class PolicySchemaWatcher(PolicyValidator validator, IOptions<PolicyOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ParsedFormat == PolicyFormat.Opaque || string.IsNullOrEmpty(options.Value.SchemaPath))
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.SchemaPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                validator.ReloadSchema();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
