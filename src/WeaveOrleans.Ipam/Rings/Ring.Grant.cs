using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>
    /// Hands <paramref name="range"/>, which this peer owns, to <paramref name="peer"/>. Inserts at most
    /// two tokens: one at the start (or an update of an existing token) and one at the end so that
    /// whatever lies beyond stays this peer's.
    /// </summary>
    /// <remarks>
    /// A new token takes the version its covering entry moves to, not 0 as in Weave: an earlier owner
    /// of that entry (since removed, its last grant never heard) may have put a token at the same
    /// address, and the later grant must win everywhere instead of tying with it.
    /// </remarks>
    internal void GrantRangeToHost(AddressRange range, PeerName peer)
    {
        if (range.IsEmpty || !Universe.Contains(range))
            throw new ArgumentException($"cannot grant {range}: not a non-empty part of {Universe}", nameof(range));
        if (IsEmpty)
            throw new InvalidOperationException("cannot grant from an empty ring");
        var (start, end) = (range.Start, range.End);
        var preceding = IndexCovering(start);
        var notMine = _slots[preceding].Entry.Peer != Local ? preceding : -1;
        for (var i = IndexOfFirstAbove(start); notMine < 0 && i < _slots.Count && _slots[i].Entry.Token < end; i++)
            if (_slots[i].Entry.Peer != Local)
                notMine = i;
        if (notMine >= 0)
            throw new InvalidOperationException(
                $"cannot grant {range}: {_slots[notMine].Entry.Token} belongs to {_slots[notMine].Entry.Peer}, not {Local}");

        var stamp = ++ChangeStamp;
        var endVersion = _slots[IndexCovering(end - 1)].Entry.Version + 1;
        var length = range.Size;
        var startFree = UInt128.Min(Distance(start, NextToken(preceding)), length);
        int pos;
        if (_slots[preceding].Entry.Token == start)
        {
            Update(preceding, peer, startFree, stamp);
            pos = preceding;
        }
        else
        {
            var before = _slots[preceding].Entry;
            pos = IndexOfFirstAbove(start);
            _slots.Insert(pos, new Slot(new RingEntry(start, peer, before.Version + 1, startFree), stamp));
            var beforeIndex = pos == 0 ? _slots.Count - 1 : pos - 1;
            Update(beforeIndex, Local, UInt128.Min(before.Free, Distance(before.Token, start)), stamp);
        }

        // Tokens strictly inside the range change hands with it.
        for (var i = pos + 1; i < _slots.Count && _slots[i].Entry.Token < end; i++)
        {
            var e = _slots[i].Entry;
            Update(i, peer, UInt128.Min(e.Free, end - e.Token), stamp);
        }

        var endToken = end == End ? Start : end;
        if (IndexOf(endToken) < 0)
        {
            var at = IndexOfFirstAbove(endToken);
            var next = _slots[at % _slots.Count].Entry.Token;
            _slots.Insert(at, new Slot(new RingEntry(endToken, Local, endVersion, Distance(endToken, next)), stamp));
        }
        RecordEnds(stamp);
    }

    /// <summary>Changes an entry's owner and free count, bumping its version so the change wins merges.</summary>
    private void Update(int index, PeerName peer, UInt128 free, ulong stamp)
    {
        var e = _slots[index].Entry;
        _slots[index] = new Slot(e with { Peer = peer, Free = free, Version = e.Version + 1 }, stamp);
    }
}
