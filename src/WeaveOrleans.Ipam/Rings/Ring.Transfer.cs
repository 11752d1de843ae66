using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>Version jump for a takeover (rmpeer), so that it beats increments made concurrently by the old owner.</summary>
    public const uint TransferVersionBump = 100;

    /// <summary>
    /// Version jump for a hand-over by the owner itself (reset). It is larger than a takeover's, so that
    /// when an rmpeer raced a peer's own departure, the hand-over (which the owner knew to be right)
    /// wins and the remover, which holds taken-over ranges back until confirmed, gives way.
    /// </summary>
    public const uint HandOverVersionBump = 200;

    /// <summary>
    /// Gives every entry of <paramref name="from"/> to <paramref name="to"/> (rmpeer, or leaving on
    /// reset) and returns the ranges that moved.
    /// </summary>
    internal IReadOnlyList<AddressRange> Transfer(PeerName from, PeerName to, uint versionBump = TransferVersionBump)
    {
        var moved = new List<AddressRange>();
        var stamp = ChangeStamp + 1;
        for (var i = 0; i < _slots.Count; i++)
        {
            var e = _slots[i].Entry;
            if (e.Peer != from)
                continue;
            // The end stays with the version it was recorded at, not the jumped one (Ring.Ends.cs).
            _slots[i] = new Slot(e with { Peer = to, Version = e.Version + versionBump }, stamp);
            moved.AddRange(RangesOf(i));
        }
        if (moved.Count > 0)
            ChangeStamp = stamp;
        return Coalesce(moved);
    }
}
