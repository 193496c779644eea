using System.Collections.Concurrent;
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

    public LogFeed(ISandboxStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        // The store is a singleton like this feed: the subscription lives as long as both.
        store.SandboxChanged += (_, e) =>
        {
            if (e.Kind != SandboxChangeKind.PolicyChanged)
            {
                Publish(e.SandboxId);
            }
        };
    }

    public Task NextChange(string sandboxId) =>
        _signals.GetOrAdd(sandboxId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Publish(string sandboxId)
    {
        if (_signals.TryRemove(sandboxId, out var signal))
        {
            signal.TrySetResult();
        }
    }
}
