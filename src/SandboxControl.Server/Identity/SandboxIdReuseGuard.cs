using System.Collections.Concurrent;

namespace SandboxControl.Server.Identity;

/// <summary>
/// Refuses to re-create a sandbox id in the same second it was deleted. Certificate validity has
/// whole seconds, so a certificate issued to the old sandbox in that second would pass the
/// "not older than the sandbox" check of the new one.
/// </summary>
internal sealed class SandboxIdReuseGuard(TimeProvider time)
{
    private static readonly TimeSpan Keep = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deletedAt = new(StringComparer.Ordinal);

    public void RecordDeleted(string sandboxId)
    {
        var now = time.GetUtcNow();
        _deletedAt[sandboxId] = now;
        foreach (var (id, at) in _deletedAt)
        {
            if (now - at > Keep)
            {
                _deletedAt.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, at));
            }
        }
    }

    public bool MayCreate(string sandboxId) =>
        !_deletedAt.TryGetValue(sandboxId, out var deletedAt) || WholeSeconds(time.GetUtcNow()) > WholeSeconds(deletedAt);

    private static long WholeSeconds(DateTimeOffset value) => value.ToUnixTimeSeconds();
}
