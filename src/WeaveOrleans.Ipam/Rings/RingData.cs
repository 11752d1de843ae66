using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Rings;

/// <summary>
/// A ring as it travels (gossip) and rests (snapshots): the universe, the seeds that give it its
/// lineage, and entries sorted by token. A delta carries only the entries changed since a point the
/// receiver already has; it merges by the same rules as a whole ring.
/// </summary>
public sealed record RingData(
    AddressRange Universe,
    ImmutableArray<PeerName> Seeds,
    ImmutableArray<RingEntry> Entries,
    bool IsDelta = false)
{
    public bool IsEmpty => Entries.IsEmpty;
}
