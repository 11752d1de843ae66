using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.FreeList;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Ownership;

/// <summary>
/// The ring and this peer's free list, changed only together so that they always agree: the ranges the
/// ring gives this peer are exactly the ranges the free list holds. Every operation that moves
/// ownership (creating the ring, merging, donating, taking over, handing over) goes through here:
/// the ring's and the free list's own mutators of ownership are internal to the engine, so nothing
/// outside it can move one without the other.
/// </summary>
public sealed class RingSpace
{
    public RingSpace(AddressRange universe, PeerName local)
        : this(new Ring(universe, local), new Space())
    {
    }

    /// <summary>A restored ring with a free list owning exactly what the ring gives this peer, all of it free.</summary>
    public static RingSpace Restore(Ring ring)
    {
        var space = new Space();
        foreach (var range in ring.OwnedRanges())
            space.AddOwned(range);
        return new RingSpace(ring, space);
    }

    /// <summary>Wraps a restored ring and free list; they must already agree.</summary>
    public RingSpace(Ring ring, Space space)
    {
        Ring = ring;
        Space = space;
        if (Disagreement() is { } problem)
            throw new InvalidOperationException($"ring and free list disagree: {problem}");
        _stampTaken = ring.ChangeStamp;
    }

    /// <summary>The ring's change stamp at the last <see cref="TakeRingChanged"/>.</summary>
    private ulong _stampTaken;

    public Ring Ring { get; }

    public Space Space { get; }

    public PeerName Local => Ring.Local;

    public void CreateRing(IEnumerable<PeerName> peers) => Moving(() => Ring.ClaimForPeers(peers));

    /// <summary>Merges a received ring; ranges it gives this peer become free space, ranges it takes away leave the free list.</summary>
    public RingMergeResult Merge(RingData incoming)
    {
        RingMergeResult result = default;
        Moving(() => result = Ring.Merge(incoming, Space.HasAllocations));
        if (!result.IsError && JoinAdjacent())
            result = result with { Updated = true, Joined = true };
        return result;
    }

    /// <summary>Gives <paramref name="requester"/> part of this peer's free space inside <paramref name="within"/>.</summary>
    public bool TryDonate(AddressRange within, PeerName requester, out AddressRange donated)
    {
        if (requester == Local)
            throw new ArgumentException("a peer cannot donate to itself", nameof(requester));
        if (!Space.TryDonate(within, out donated))
            return false;
        Ring.GrantRangeToHost(donated, requester);
        return true;
    }

    /// <summary>Takes over every range of <paramref name="peer"/> (rmpeer) and returns the ranges gained.</summary>
    public IReadOnlyList<AddressRange> TakeOver(PeerName peer)
    {
        if (peer == Local)
            throw new ArgumentException("a peer cannot take over its own ranges", nameof(peer));
        IReadOnlyList<AddressRange> moved = [];
        Moving(() => moved = Ring.Transfer(peer, Local));
        return moved;
    }

    /// <summary>
    /// Joins this peer's adjacent tokens (issue 11), after every merge, which is when two of them
    /// meet: a donation back, a hand-over to us, and a takeover's ranges once released (not at the
    /// takeover itself: they are held back only after it, and held ranges stay apart, see
    /// <see cref="Ring.JoinAdjacentOwn"/>). Joining moves no ownership.
    /// </summary>
    private bool JoinAdjacent() => Ring.JoinAdjacentOwn(Space.HasHeld);

    /// <summary>Hands every range of this peer to <paramref name="heir"/> (reset) and empties the free list.</summary>
    public void HandOver(PeerName heir)
    {
        if (heir == Local)
            throw new ArgumentException("a peer cannot hand its ranges to itself", nameof(heir));
        Ring.Transfer(Local, heir, Ring.HandOverVersionBump);
        Space.Clear();
    }

    /// <summary>Brings the ring's advertised free counts for this peer's entries up to date.</summary>
    public bool ReportFree() => Ring.ReportFree(Space.FreeIn);

    /// <summary>
    /// Marks a change that is not the ring's own (nicknames, removals) in the ring's history, so that
    /// deltas from before it carry it. Returns the new change stamp.
    /// </summary>
    public ulong Touch() => Ring.Touch();

    /// <summary>Whether the ring changed since the last call (every ring change raises its change stamp).</summary>
    public bool TakeRingChanged()
    {
        var changed = Ring.ChangeStamp != _stampTaken;
        _stampTaken = Ring.ChangeStamp;
        return changed;
    }

    /// <summary>Applies a ring change, then moves the free list by the difference in this peer's ranges.</summary>
    private void Moving(Action change)
    {
        var before = Ring.OwnedRanges();
        change();
        var after = Ring.OwnedRanges();
        foreach (var lost in Difference(before, after))
            if (!Space.TryRemoveOwned(lost))
                throw new InvalidOperationException($"the ring gave away {lost}, which has addresses in use: the merge should have refused");
        foreach (var gained in Difference(after, before))
            Space.AddOwned(gained);
    }

    private static IEnumerable<AddressRange> Difference(IReadOnlyList<AddressRange> from, IReadOnlyList<AddressRange> minus)
    {
        var set = new IntervalSet();
        foreach (var r in from)
            set.Add(r);
        foreach (var r in minus)
            set.Remove(r);
        return set.Ranges.ToList();
    }

    /// <summary>Why the ring and the free list disagree, or null when they agree.</summary>
    public string? Disagreement()
    {
        var ring = Ring.OwnedRanges();
        var space = Space.OwnedRanges().ToList();
        return ring.SequenceEqual(space)
            ? null
            : $"ring says [{string.Join(", ", ring)}], free list holds [{string.Join(", ", space)}]";
    }
}
