using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>
    /// Peers that advertise free space overlapping <paramref name="wanted"/>, most promising first:
    /// each is weighted by its total advertised free space times a random draw, so requests spread
    /// over donors instead of all landing on the richest one.
    /// </summary>
    public IReadOnlyList<PeerName> ChoosePeersToAskForSpace(AddressRange wanted, Random random)
    {
        var totals = new Dictionary<PeerName, UInt128>();
        for (var i = 0; i < _slots.Count; i++)
        {
            var e = _slots[i].Entry;
            if (e.Peer == Local || e.Free == UInt128.Zero || !RangesOf(i).Any(r => r.Overlaps(wanted)))
                continue;
            totals[e.Peer] = totals.GetValueOrDefault(e.Peer) + e.Free;
        }
        // Draw in a fixed (peer) order so that the same seed gives the same choice.
        return totals
            .OrderBy(kv => kv.Key)
            .Select(kv => (kv.Key, Weight: (double)kv.Value * random.NextDouble()))
            .ToList()
            .OrderByDescending(p => p.Weight)
            .Select(p => p.Key)
            .ToList();
    }
}
