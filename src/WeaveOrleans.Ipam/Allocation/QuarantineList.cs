using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// Ranges taken over with rmpeer, each waiting for the peers that must confirm it (see
/// <see cref="Quarantine"/>). Persisted; every change marks it dirty. Holding the addresses back in
/// the free list is the caller's part: the free list belongs to the ring's owner.
/// </summary>
internal sealed class QuarantineList
{
    private readonly List<Quarantine> _entries = [];
    private bool _dirty;

    public IReadOnlyList<Quarantine> Entries => _entries;

    public void Add(AddressRange range, IReadOnlySet<PeerName> awaiting)
    {
        _entries.Add(new Quarantine(range, [.. awaiting]));
        _dirty = true;
    }

    /// <summary><paramref name="peer"/> holds nothing back any more.</summary>
    /// <returns>The ranges every peer has now confirmed, which can be handed out.</returns>
    public List<AddressRange> Confirm(PeerName peer)
    {
        var released = new List<AddressRange>();
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var q = _entries[i];
            if (!q.Awaiting.Contains(peer))
                continue;
            _dirty = true;
            var awaiting = q.Awaiting.Remove(peer);
            if (awaiting.IsEmpty)
            {
                released.Add(q.Range);
                _entries.RemoveAt(i);
            }
            else
                _entries[i] = q with { Awaiting = awaiting };
        }
        return released;
    }

    /// <summary>What storage held: durable already, so not marked.</summary>
    public void Restore(IEnumerable<Quarantine> entries) => _entries.AddRange(entries);

    /// <summary>Whether anything changed since the last call.</summary>
    public bool TakeDirty()
    {
        var dirty = _dirty;
        _dirty = false;
        return dirty;
    }
}
