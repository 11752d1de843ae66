using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>Ranges taken over with rmpeer and not yet confirmed by the peers named.</summary>
    public IReadOnlyList<Quarantine> Quarantined => _quarantine.Entries;

    /// <summary>Takes over a removed peer's ranges, holding them back until the other peers confirm.</summary>
    private UInt128 TakeOverHeld(PeerName victim)
    {
        var moved = Ownership.TakeOver(victim);
        // Every peer the victim could have chosen as heir on reset: ring owners, and peers known only by
        // nickname (the heir choice falls back to them, and such an heir owns nothing in our ring yet).
        var awaiting = Ring.Peers().Concat(_peers.Nicknames.Keys)
            .Where(p => p != Self && p != victim && p != PeerName.None && !_removals.IsRemoved(p)).ToHashSet();
        var total = UInt128.Zero;
        foreach (var range in moved)
        {
            total += range.Size;
            if (awaiting.Count == 0)
                continue;
            Ownership.Space.Hold(range);
            _quarantine.Add(range, awaiting);
        }
        if (awaiting.Count > 0 && moved.Count > 0)
            Log(LogLevel.Info, $"Holding {total} taken-over addresses back until {string.Join(", ", awaiting.Order().Select(NameOf))} confirm");
        return total;
    }

    /// <summary><paramref name="peer"/> has told us its ring (merged without refusal) or is removed: it no longer holds anything back.</summary>
    /// <returns>Whether some range became usable.</returns>
    private bool Confirmed(PeerName peer)
    {
        var released = _quarantine.Confirm(peer);
        foreach (var range in released)
            Ownership.Space.Release(range);
        if (released.Count > 0)
            Log(LogLevel.Info, "Taken-over addresses confirmed by every peer: they can be handed out");
        return released.Count > 0;
    }

    private void RestoreQuarantine(IEnumerable<Quarantine> quarantine)
    {
        foreach (var q in quarantine)
            Ownership.Space.Hold(q.Range);
        _quarantine.Restore(quarantine);
    }
}
