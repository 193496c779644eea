using Microsoft.Extensions.Diagnostics.HealthChecks;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Hosting;

/// <summary>SERVING only while the store answers a read.</summary>
internal sealed class StoreHealthCheck(ISandboxStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ListSandboxesAsync(null, 1, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("store unavailable");
        }
    }
}
