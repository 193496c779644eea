using Microsoft.Extensions.Options;
using SandboxControl.Server.Metrics;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Audit.Index;

/// <summary>
/// Whether this server copies its audit events to a shared index: with PostgreSQL (replicas) it does, and
/// ListAuditEvents answers from the index; with SQLite (one server) the file is read directly. The store is
/// resolved on first use, after start-up validation.
/// </summary>
internal sealed class AuditIndexing(IOptions<StorageOptions> storage, IServiceProvider services)
{
    public AuditIndexFeed? Feed { get; } = storage.Value.IsPostgres ? new AuditIndexFeed() : null;

    public IAuditIndex? Index => Feed is null
        ? null
        : services.GetRequiredService<ISandboxStore>() switch
        {
            TimedSandboxStore timed => timed.Inner as IAuditIndex,
            var store => store as IAuditIndex,
        };
}
