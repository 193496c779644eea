using System.Collections.Concurrent;

namespace SandboxControl.Server.Storage;

/// <summary>
/// The certificates the server signed, by serial, kept in memory by each engine and updated in commit order (by this
/// process's writes and, for PostgreSQL, by other replicas' notifications). Lookups are one dictionary read.
/// </summary>
internal sealed class CertificateAllowList
{
    private readonly ConcurrentDictionary<string, AllowedCertificate> _entries = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _entries.Count;

    public AllowedCertificate? Find(string serialNumber) => _entries.TryGetValue(serialNumber, out var entry) ? entry : null;

    public void Add(string serialNumber, AllowedCertificate certificate) => _entries[serialNumber] = certificate;

    /// <summary>Marks the serial and every certificate renewed from it, transitively; returns the sandbox or null if unknown.</summary>
    public string? RevokeLineage(string serialNumber)
    {
        if (!_entries.TryGetValue(serialNumber, out var root))
        {
            return null;
        }

        var pending = new Queue<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { serialNumber };
        pending.Enqueue(serialNumber);
        while (pending.TryDequeue(out var serial))
        {
            if (_entries.TryGetValue(serial, out var entry))
            {
                _entries[serial] = entry with { Revoked = true };
            }

            foreach (var (child, candidate) in _entries)
            {
                if (candidate.ParentSerialNumber is { } parent
                    && string.Equals(parent, serial, StringComparison.OrdinalIgnoreCase)
                    && seen.Add(child))
                {
                    pending.Enqueue(child);
                }
            }
        }

        return root.SandboxId;
    }

    /// <summary>Marks exactly these serials revoked (the store already walked the lineage).</summary>
    public void MarkRevoked(IEnumerable<string> serialNumbers)
    {
        foreach (var serial in serialNumbers)
        {
            if (_entries.TryGetValue(serial, out var entry))
            {
                _entries[serial] = entry with { Revoked = true };
            }
        }
    }

    /// <summary>
    /// Forgets a pruned certificate and hands its children to <paramref name="newParentSerialNumber"/> (its own parent),
    /// so revoking any remaining ancestor still reaches every remaining descendant.
    /// </summary>
    public void RemoveAndReparent(string serialNumber, string? newParentSerialNumber)
    {
        _entries.TryRemove(serialNumber, out _);
        foreach (var child in _entries.Keys)
        {
            // Compare-and-swap: a child updated concurrently (a revocation the listener applies) is not overwritten with a stale copy.
            while (_entries.TryGetValue(child, out var entry)
                && entry.ParentSerialNumber is { } parent
                && string.Equals(parent, serialNumber, StringComparison.OrdinalIgnoreCase)
                && !_entries.TryUpdate(child, entry with { ParentSerialNumber = newParentSerialNumber }, entry))
            {
            }
        }
    }

    /// <summary>A deleted sandbox's certificates are dead: its rows went with it.</summary>
    public void RemoveSandbox(string sandboxId) => RemoveIncarnation(sandboxId, null);

    /// <summary>As <see cref="RemoveSandbox"/>, for one incarnation only (null: all), so a late delete leaves a newer one alone.</summary>
    public void RemoveIncarnation(string sandboxId, string? incarnation)
    {
        foreach (var (serial, entry) in _entries)
        {
            if (string.Equals(entry.SandboxId, sandboxId, StringComparison.Ordinal)
                && (incarnation is null || string.Equals(entry.Incarnation, incarnation, StringComparison.Ordinal)))
            {
                _entries.TryRemove(new KeyValuePair<string, AllowedCertificate>(serial, entry));
            }
        }
    }

    /// <summary>After a full reload: entries not in <paramref name="current"/> are dropped.</summary>
    public void ReplaceAll(IReadOnlyDictionary<string, AllowedCertificate> current)
    {
        foreach (var serial in _entries.Keys)
        {
            if (!current.ContainsKey(serial))
            {
                _entries.TryRemove(serial, out _);
            }
        }

        foreach (var (serial, entry) in current)
        {
            _entries[serial] = entry;
        }
    }
}
