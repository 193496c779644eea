using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SandboxControl.Server.Storage;

/// <summary>
/// Sandboxes read their policy far more often than operators change it: serves the current version from memory.
/// Invalidated by the store's change events (policy update, delete, reload), which both engines raise
/// after commit in this process and, for PostgreSQL, on every replica through notifications. A read that raced an
/// invalidation is not kept (generation check after insert), so a stale version can never stick. Entries are served
/// only while the store's directory vouches for the sandbox, which for PostgreSQL fails closed when notifications
/// stop arriving. Bounded by Storage:PolicyCacheBytes; when full, reads go to the store.
/// </summary>
internal sealed class CurrentPolicyCache
{
    private readonly ISandboxStore _store;
    private readonly long _capacityBytes;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;
    private long _usedBytes;

    public CurrentPolicyCache(ISandboxStore store, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);

        _store = store;
        _capacityBytes = options.Value.PolicyCacheBytes;
        store.SandboxChanged += (_, e) =>
        {
            // A creation cannot make an entry stale (entries are tagged with their incarnation), nor can certificates.
            if (e.Kind is not (SandboxChangeKind.LogsAppended or SandboxChangeKind.Created
                or SandboxChangeKind.CertificateIssued or SandboxChangeKind.CertificateRevoked or SandboxChangeKind.CertificatePruned))
            {
                Invalidate(e.SandboxId);
            }
        };
    }

    public int Count => _entries.Count;

    public Task<PolicyRecord?> GetCurrentPolicyAsync(string sandboxId, CancellationToken cancellationToken) =>
        GetCurrentPolicyAsync(sandboxId, null, cancellationToken);

    /// <summary>
    /// With an <paramref name="incarnation"/> (a sandbox caller's pinned one), only that incarnation's policy is
    /// returned, from memory or from the store; without one (operators), the current incarnation's.
    /// </summary>
    public Task<PolicyRecord?> GetCurrentPolicyAsync(string sandboxId, string? incarnation, CancellationToken cancellationToken)
    {
        var current = _store.GetSandboxEntry(sandboxId)?.Incarnation;
        var wanted = incarnation ?? current;
        if (current is not null
            && string.Equals(current, wanted, StringComparison.Ordinal)
            && _entries.TryGetValue(sandboxId, out var cached)
            && string.Equals(cached.Incarnation, wanted, StringComparison.Ordinal))
        {
            // A hit allocates nothing: the entry keeps its answer as a completed task.
            return cached.Answer;
        }

        return ReadAsync(sandboxId, wanted, cancellationToken);
    }

    private async Task<PolicyRecord?> ReadAsync(string sandboxId, string? wanted, CancellationToken cancellationToken)
    {
        var generation = Interlocked.Read(ref _generation);
        var policy = await _store.GetCurrentPolicyAsync(sandboxId, wanted, cancellationToken).ConfigureAwait(false);
        // Only what the store read for a known incarnation is kept, tagged with it.
        if (policy is not null && wanted is not null)
        {
            Remember(new Entry(policy, wanted), generation);
        }

        return policy;
    }

    private void Remember(Entry entry, long generationBeforeRead)
    {
        var policy = entry.Policy;
        var size = SizeOf(policy);
        if (Interlocked.Add(ref _usedBytes, size) > _capacityBytes)
        {
            Interlocked.Add(ref _usedBytes, -size);
            return;
        }

        if (!_entries.TryAdd(policy.SandboxId, entry))
        {
            Interlocked.Add(ref _usedBytes, -size);
            return;
        }

        // An invalidation may have run between our read and the insert: undo it, the next read goes to the store.
        if (Interlocked.Read(ref _generation) != generationBeforeRead)
        {
            Remove(new KeyValuePair<string, Entry>(policy.SandboxId, entry));
        }
    }

    private void Invalidate(string sandboxId)
    {
        // Bump first: a concurrent Remember that inserts after our removal sees the new generation and undoes itself.
        Interlocked.Increment(ref _generation);
        if (_entries.TryGetValue(sandboxId, out var entry))
        {
            Remove(new KeyValuePair<string, Entry>(sandboxId, entry));
        }
    }

    private void Remove(KeyValuePair<string, Entry> entry)
    {
        if (_entries.TryRemove(entry))
        {
            Interlocked.Add(ref _usedBytes, -SizeOf(entry.Value.Policy));
        }
    }

    private static long SizeOf(PolicyRecord policy) => 64 + (2L * (policy.SandboxId.Length + policy.Document.Length + policy.CreatedBy.Length));

    private sealed record Entry(PolicyRecord Policy, string Incarnation)
    {
        public Task<PolicyRecord?> Answer { get; } = Task.FromResult<PolicyRecord?>(Policy);
    }
}
