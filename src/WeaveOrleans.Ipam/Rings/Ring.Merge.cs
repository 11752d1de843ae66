using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>
    /// Merges a received ring (whole or delta) into this one. Per token the higher version wins, except
    /// that only this peer may change what this peer owns while it has addresses in use there:
    /// <paramref name="hasAllocations"/> tells whether a range holds any. A refused merge returns the
    /// reason and leaves this ring exactly as it was.
    /// </summary>
    internal RingMergeResult Merge(RingData incoming, Func<AddressRange, bool> hasAllocations)
    {
        if (incoming.Universe != Universe)
            return RingMergeResult.Fail(RingMergeErrorKind.DifferentRange,
                $"Received range {incoming.Universe} differs from ours {Universe}");
        if (!incoming.Seeds.IsEmpty && !Seeds.IsEmpty && !incoming.Seeds.SequenceEqual(Seeds))
            return RingMergeResult.Fail(RingMergeErrorKind.DifferentSeeds,
                $"IP allocation was seeded by different peers (received: [{string.Join(", ", incoming.Seeds)}], ours: [{string.Join(", ", Seeds)}])");
        if (Validate(incoming.Entries, checkFree: !incoming.IsDelta) is { } invalid)
            return new RingMergeResult(false, invalid);
        if (incoming.IsDelta && IsEmpty && !incoming.IsEmpty)
            return RingMergeResult.Fail(RingMergeErrorKind.DeltaWithoutBase, "Received a ring delta before the whole ring");
        // Idle gossip is an empty delta: nothing to walk.
        if (incoming.IsDelta && incoming.IsEmpty)
            return new RingMergeResult(false, null);

        // Received tokens that an entry here or in the message shows to be stale never enter the walk:
        // they would look like someone splitting our range (see Ring.Ends.cs).
        var evidence = incoming.Entries.Concat(Entries).ToList();
        var staleIncoming = Stale(incoming.Entries, evidence);
        var fresh = incoming.Entries.Where((_, k) => !staleIncoming[k]).ToImmutableArray();

        var walk = new MergeWalk(this, hasAllocations, ChangeStamp + 1);
        if (walk.Run(fresh) is { } error)
            return new RingMergeResult(false, error);

        var updated = walk.Updated;
        if (DropStale(walk.Result, evidence, hasAllocations) is not { } result)
            return RingMergeResult.Fail(RingMergeErrorKind.EntryInMyRange,
                "A received entry ends a token of mine whose range has addresses in use, giving the range to another peer");
        updated |= result.Count != walk.Result.Count;
        // Free space is advisory, but no count may exceed what its entry spans (a range may just have
        // been split, and messages arrive in any order). This peer's own corrections are news to
        // others, so they get a new version; other peers' are clamped the same way everywhere.
        for (var i = 0; i < result.Count; i++)
        {
            var e = result[i].Entry;
            var span = Distance(e.Token, result[(i + 1) % result.Count].Entry.Token);
            if (e.Free <= span)
                continue;
            var own = e.Peer == Local;
            result[i] = new Slot(e with { Free = span, Version = own ? e.Version + 1 : e.Version }, own ? walk.Stamp : result[i].Stamp);
            updated |= own;
        }

        _slots = result;
        if (Seeds.IsEmpty && !incoming.Seeds.IsEmpty)
        {
            Seeds = incoming.Seeds;
            updated = true;
        }
        if (updated)
            ChangeStamp = walk.Stamp;
        return new RingMergeResult(updated, null);
    }

    /// <summary>
    /// The walk's result without the tokens the evidence shows stale; null when one of them is this
    /// peer's, has addresses in use, and its range would pass to another peer.
    /// </summary>
    private List<Slot>? DropStale(List<Slot> result, List<RingEntry> evidence, Func<AddressRange, bool> hasAllocations)
    {
        var entries = result.Select(s => s.Entry).ToList();
        var stale = Stale(entries, entries.Concat(evidence));
        if (!stale.Contains(true))
            return result;
        var kept = new List<Slot>(result.Count);
        for (var k = 0; k < result.Count; k++)
        {
            if (!stale[k])
            {
                kept.Add(result[k]);
                continue;
            }
            if (entries[k].Peer != Local)
                continue;
            // The range goes to the nearest entry before it that stays.
            var heir = k;
            do heir = heir == 0 ? result.Count - 1 : heir - 1;
            while (stale[heir] && heir != k);
            if (entries[heir].Peer != Local
                && SplitOverEnd(entries[k].Token, entries[(k + 1) % entries.Count].Token).Any(hasAllocations))
                return null;
        }
        return kept;
    }
}
