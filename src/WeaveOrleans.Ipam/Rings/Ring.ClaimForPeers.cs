using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>
    /// Creates the ring by splitting the universe among <paramref name="peers"/>. Seeded peers compute
    /// this independently, so it depends only on the sorted, de-duplicated list and the universe:
    /// the list is halved recursively alongside the address span, giving CIDR-aligned shares.
    /// </summary>
    internal void ClaimForPeers(IEnumerable<PeerName> peers)
    {
        if (!IsEmpty)
            throw new InvalidOperationException("the ring already exists");
        var sorted = peers.Distinct().Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("at least one peer is needed to create a ring", nameof(peers));
        var stamp = ++ChangeStamp;
        Subdivide(Start, End, sorted, stamp);
        RecordEnds(stamp);
        Seeds = [.. sorted];
    }

    private void Subdivide(Address from, Address to, ReadOnlySpan<PeerName> peers, ulong stamp)
    {
        var share = to - from;
        if (share == UInt128.Zero)
            return;
        if (share == UInt128.One || peers.Length == 1)
        {
            _slots.Add(new Slot(new RingEntry(from, peers[0], 0, share), stamp));
            return;
        }
        var mid = from + share / 2;
        Subdivide(from, mid, peers[..(peers.Length / 2)], stamp);
        Subdivide(mid + share % 2, to, peers[(peers.Length / 2)..], stamp);
    }
}
