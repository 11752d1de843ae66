using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>
    /// Refreshes the advertised free count of each of this peer's entries from the free list.
    /// Returns whether anything changed; the new counts travel with the next gossip.
    /// </summary>
    internal bool ReportFree(Func<AddressRange, UInt128> freeIn)
    {
        var stamp = ChangeStamp + 1;
        var changed = false;
        for (var i = 0; i < _slots.Count; i++)
        {
            var e = _slots[i].Entry;
            if (e.Peer != Local)
                continue;
            var free = UInt128.Zero;
            foreach (var r in RangesOf(i))
                free += freeIn(r);
            if (free == e.Free)
                continue;
            _slots[i] = new Slot(e with { Free = free, Version = e.Version + 1 }, stamp);
            changed = true;
        }
        if (changed)
            ChangeStamp = stamp;
        return changed;
    }
}
