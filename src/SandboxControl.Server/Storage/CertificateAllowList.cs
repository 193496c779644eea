using System.Collections.Concurrent;

namespace SandboxControl.Server.Storage;

/// <summary>
/// The certificates the server signed, by serial, kept in memory by each engine and updated in commit order (by this
/// process's writes and, for PostgreSQL, by other replicas' notifications). Lookups are one dictionary read, without a
/// lock. Changes take one lock and keep an index of each certificate's children, so walking a lineage or pruning a
/// certificate touches its family only, not the whole list (hundreds of thousands of entries on a large server).
/// </summary>
internal sealed class CertificateAllowList
{
    private readonly ConcurrentDictionary<string, AllowedCertificate> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _children = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public int Count => _entries.Count;

    public AllowedCertificate? Find(string serialNumber) => _entries.TryGetValue(serialNumber, out var entry) ? entry : null;

    public void Add(string serialNumber, AllowedCertificate certificate)
    {
        lock (_gate)
        {
            Put(serialNumber, certificate);
        }
    }

    /// <summary>Marks the serial and every certificate renewed from it, transitively; returns the sandbox or null if unknown.</summary>
    public string? RevokeLineage(string serialNumber)
    {
        lock (_gate)
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

                if (_children.TryGetValue(serial, out var children))
                {
                    foreach (var child in children)
                    {
                        if (seen.Add(child))
                        {
                            pending.Enqueue(child);
                        }
                    }
                }
            }

            return root.SandboxId;
        }
    }

    /// <summary>Marks exactly these serials revoked (the store already walked the lineage).</summary>
    public void MarkRevoked(IEnumerable<string> serialNumbers)
    {
        lock (_gate)
        {
            foreach (var serial in serialNumbers)
            {
                if (_entries.TryGetValue(serial, out var entry))
                {
                    _entries[serial] = entry with { Revoked = true };
                }
            }
        }
    }

    /// <summary>
    /// Forgets a pruned certificate and hands its children to <paramref name="newParentSerialNumber"/> (its own parent),
    /// so revoking any remaining ancestor still reaches every remaining descendant.
    /// </summary>
    public void RemoveAndReparent(string serialNumber, string? newParentSerialNumber)
    {
        lock (_gate)
        {
            Remove(serialNumber);
            if (!_children.Remove(serialNumber, out var children))
            {
                return;
            }

            foreach (var child in children)
            {
                if (_entries.TryGetValue(child, out var entry))
                {
                    Put(child, entry with { ParentSerialNumber = newParentSerialNumber });
                }
            }
        }
    }

    /// <summary>A deleted sandbox's certificates are dead: its rows went with it.</summary>
    public void RemoveSandbox(string sandboxId) => RemoveIncarnation(sandboxId, null);

    /// <summary>As <see cref="RemoveSandbox"/>, for one incarnation only (null: all), so a late delete leaves a newer one alone.</summary>
    public void RemoveIncarnation(string sandboxId, string? incarnation)
    {
        lock (_gate)
        {
            foreach (var (serial, entry) in _entries)
            {
                if (string.Equals(entry.SandboxId, sandboxId, StringComparison.Ordinal)
                    && (incarnation is null || string.Equals(entry.Incarnation, incarnation, StringComparison.Ordinal)))
                {
                    Remove(serial);
                }
            }
        }
    }

    /// <summary>After a full reload: entries not in <paramref name="current"/> are dropped.</summary>
    public void ReplaceAll(IReadOnlyDictionary<string, AllowedCertificate> current)
    {
        ArgumentNullException.ThrowIfNull(current);

        lock (_gate)
        {
            foreach (var serial in _entries.Keys)
            {
                if (!current.ContainsKey(serial))
                {
                    Remove(serial);
                }
            }

            foreach (var (serial, entry) in current)
            {
                Put(serial, entry);
            }
        }
    }

    // Under _gate: the entry and its place in its parent's children.
    private void Put(string serialNumber, AllowedCertificate certificate)
    {
        if (_entries.TryGetValue(serialNumber, out var previous))
        {
            Unlink(serialNumber, previous.ParentSerialNumber);
        }

        _entries[serialNumber] = certificate;
        if (certificate.ParentSerialNumber is { } parent)
        {
            if (!_children.TryGetValue(parent, out var siblings))
            {
                _children[parent] = siblings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            siblings.Add(serialNumber);
        }
    }

    // Under _gate. Its own children keep their link: a child outlives a deleted parent only until the same removal
    // reaches it (a deleted incarnation) or it is re-parented (pruning).
    private void Remove(string serialNumber)
    {
        if (_entries.TryRemove(serialNumber, out var removed))
        {
            Unlink(serialNumber, removed.ParentSerialNumber);
        }
    }

    private void Unlink(string serialNumber, string? parent)
    {
        if (parent is not null && _children.TryGetValue(parent, out var siblings) && siblings.Remove(serialNumber) && siblings.Count == 0)
        {
            _children.Remove(parent);
        }
    }
}
