using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Rings;

/// <summary>
/// How adjacent tokens of one owner join without tombstones (issue 11).
/// </summary>
/// <remarks>
/// <para>Every entry this release writes records <see cref="RingEntry.End"/>, the next token at the time
/// of writing. When the owner joins its entry u into the entry t before it, t takes a version above
/// both (max + 1) and u's end. A copy of u that is still about elsewhere then lies strictly inside
/// [t, t.End) with a lower version than t: it is stale, and every merge drops it. No tombstone is
/// kept, so there is none to collect.</para>
/// <para>Why a lower version inside a newer entry's recorded range is always stale: only the owner of
/// a range puts tokens into it (a grant), and a token it creates takes a version above the entry it
/// cuts (the grant's rule), while the cut entry is rewritten with the new, shorter end. So a token
/// still live inside [t, t.End) was created after t's write, with a higher version, and a token inside
/// with a lower version was one that t's writer had already removed. Versions written by one peer at
/// one position therefore only rise, which the property tests check over random interleavings.</para>
/// <para>Which writes record an end: creating the ring, a grant (every entry it writes) and a join,
/// the writes that move tokens and are made by the owner over a range it knows whole. A write that
/// keeps the range (a free-count report, a clamp, a restarted peer's own entry) keeps the end it had.
/// A takeover (rmpeer) keeps it too, with <see cref="RingEntry.EndVersion"/>, the version at which it was
/// recorded: staleness is judged against that, not against the taker's jumped version, which would
/// make tokens of the removed peer's last grants, unheard by the taker, look stale. The taker records
/// ends of its own when it grants or joins, which it does only once the ranges are released, that is
/// once every other peer has told it its ring.</para>
/// <para>Entries from earlier releases have no end and make nothing stale; they join like any other
/// once their owner runs this release.</para>
/// </remarks>
public sealed partial class Ring
{
    /// <summary>Records the end of every entry written at <paramref name="stamp"/> (all written by this peer).</summary>
    private void RecordEnds(ulong stamp)
    {
        for (var i = 0; i < _slots.Count; i++)
            if (_slots[i].Stamp == stamp)
                RecordEnd(i);
    }

    private void RecordEnd(int index)
    {
        var slot = _slots[index];
        _slots[index] = new Slot(slot.Entry with { End = NextToken(index), EndVersion = slot.Entry.Version }, slot.Stamp);
    }

    /// <summary>
    /// Which of <paramref name="tokens"/> (sorted) are stale: strictly inside [t, t.End) of an entry t of
    /// <paramref name="evidence"/> whose version when it recorded that end is higher. One sweep over the tokens, with the ranges
    /// open at each in a heap by version, so a merge costs n log n however many entries it brings.
    /// </summary>
    private bool[] Stale(IReadOnlyList<RingEntry> tokens, IEnumerable<RingEntry> evidence)
    {
        var stale = new bool[tokens.Count];
        // Ranges as [Lo, Hi) on the address line; one that wraps is cut in two.
        var ranges = new List<(UInt128 Lo, UInt128 Hi, uint Version)>();
        foreach (var e in evidence)
        {
            if (e.End is not { } end)
                continue;
            var lo = e.Token.Value + 1;
            if (end > e.Token)
                ranges.Add((lo, end.Value, e.EndVersion));
            else
            {
                ranges.Add((lo, End.Value, e.EndVersion));
                ranges.Add((Start.Value, end.Value, e.EndVersion));
            }
        }
        if (ranges.Count == 0)
            return stale;
        ranges.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        var open = new PriorityQueue<(UInt128 Hi, uint Version), long>();
        var next = 0;
        for (var k = 0; k < tokens.Count; k++)
        {
            var at = tokens[k].Token.Value;
            for (; next < ranges.Count && ranges[next].Lo <= at; next++)
                if (ranges[next].Hi > ranges[next].Lo)
                    open.Enqueue((ranges[next].Hi, ranges[next].Version), -(long)ranges[next].Version);
            // Tokens rise, so a range that ends at or below this one is closed for every later token.
            while (open.TryPeek(out var top, out _) && top.Hi <= at)
                open.Dequeue();
            stale[k] = open.TryPeek(out var newest, out _) && newest.Version > tokens[k].Version;
        }
        return stale;
    }

    /// <summary>
    /// Joins each token of this peer into the token of this peer just before it (not across the wrap, so
    /// the first token never moves), unless <paramref name="mayNotJoin"/> says the two ranges must stay
    /// apart (ranges taken over and held back: a racing hand-over of the removed peer must still win
    /// them, which it could not against a joined entry's higher version). Returns whether anything joined.
    /// </summary>
    internal bool JoinAdjacentOwn(Func<AddressRange, bool> mayNotJoin)
    {
        var stamp = ChangeStamp + 1;
        var joined = false;
        for (var i = 0; i + 1 < _slots.Count;)
        {
            var (t, u) = (_slots[i].Entry, _slots[i + 1].Entry);
            if (t.Peer != Local || u.Peer != Local || SplitOverEnd(t.Token, NextToken(i + 1)).Any(mayNotJoin))
            {
                i++;
                continue;
            }
            _slots[i] = new Slot(t with { Version = Math.Max(t.Version, u.Version) + 1, Free = t.Free + u.Free }, stamp);
            _slots.RemoveAt(i + 1);
            RecordEnd(i);
            joined = true;
        }
        if (joined)
            ChangeStamp = stamp;
        return joined;
    }
}
