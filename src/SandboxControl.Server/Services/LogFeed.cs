using System.Collections.Concurrent;

namespace SandboxControl.Server.Services;

/// <summary>
/// Wakes log followers when lines are pushed for their sandbox. A follower takes the signal before it
/// reads the store, so a push between the read and the wait is never missed.
/// </summary>
internal sealed class LogFeed
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

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
