using System.Collections.Concurrent;
using SandboxControl.Server.Identity;
using SandboxControl.Server.Storage;

namespace SandboxControl.Server.Services;

/// <summary>
/// Wakes log followers when lines are pushed for their sandbox. A follower takes the signal before it
/// reads the store, so a push between the read and the wait is never missed. Also wakes on the store's change
/// events, so lines pushed to (or a delete on) another replica sharing the database wake followers here.
/// </summary>
internal sealed class LogFeed
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    public LogFeed(ISandboxStore store, CertificateDenyList denyList)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(denyList);
        // The store is a singleton like this feed: the subscription lives as long as both.
        store.SandboxChanged += (_, e) =>
        {
            // A revocation wakes followers too: an idle follow stream of a revoked certificate ends now.
            if (e.Kind is not (SandboxChangeKind.PolicyChanged or SandboxChangeKind.CertificateIssued))
            {
                Publish(e.SandboxId);
            }
        };
        // The file names serials, not sandboxes: wake every follower to re-check its caller.
        denyList.Changed += (_, _) => PublishAll();
    }

    public Task NextChange(string sandboxId) =>
        _signals.GetOrAdd(sandboxId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void PublishAll()
    {
        foreach (var sandboxId in _signals.Keys)
        {
            Publish(sandboxId);
        }
    }

    public void Publish(string sandboxId)
    {
        if (_signals.TryRemove(sandboxId, out var signal))
        {
            signal.TrySetResult();
        }
    }
}
