using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    private readonly List<Quarantine> _quarantine = [];

    /// <summary>Ranges taken over with rmpeer and not yet confirmed by the peers named.</summary>
    public IReadOnlyList<Quarantine> Quarantined => _quarantine;

    /// <summary>Takes over a removed peer's ranges, holding them back until the other peers confirm.</summary>
    private UInt128 TakeOverHeld(PeerName victim)
    {
        var moved = Ownership.TakeOver(victim);
        // Every peer the victim could have chosen as heir on reset: ring owners, and peers known only by
        // nickname (the heir choice falls back to them, and such an heir owns nothing in our ring yet).
        var awaiting = Ring.Peers().Concat(_nicknames.Keys)
            .Where(p => p != Self && p != victim && p != PeerName.None && !_removed.ContainsKey(p)).ToHashSet();
        var total = UInt128.Zero;
        foreach (var range in moved)
        {
            total += range.Size;
            if (awaiting.Count == 0)
                continue;
            Ownership.Space.Hold(range);
            _quarantine.Add(new Quarantine(range, [.. awaiting]));
        }
        if (awaiting.Count > 0 && moved.Count > 0)
            Log(LogLevel.Info, $"Holding {total} taken-over addresses back until {string.Join(", ", awaiting.Order().Select(NameOf))} confirm");
        return total;
    }

    /// <summary><paramref name="peer"/> has told us its ring (merged without refusal) or is removed: it no longer holds anything back.</summary>
    /// <returns>Whether some range became usable.</returns>
    private bool Confirmed(PeerName peer)
    {
        var released = false;
        for (var i = _quarantine.Count - 1; i >= 0; i--)
        {
            var q = _quarantine[i];
            if (!q.Awaiting.Contains(peer))
                continue;
            _effects.SnapshotChanged = true;
            var awaiting = q.Awaiting.Remove(peer);
            if (awaiting.IsEmpty)
            {
                Ownership.Space.Release(q.Range);
                _quarantine.RemoveAt(i);
                released = true;
            }
            else
                _quarantine[i] = q with { Awaiting = awaiting };
        }
        if (released)
            Log(LogLevel.Info, "Taken-over addresses confirmed by every peer: they can be handed out");
        return released;
    }

    private void RestoreQuarantine(IEnumerable<Quarantine> quarantine)
    {
        foreach (var q in quarantine)
        {
            Ownership.Space.Hold(q.Range);
            _quarantine.Add(q);
        }
    }
}
