using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Rings;

/// <summary>
/// The replicated record of which peer owns which part of the universe: a state-based CRDT of
/// versioned tokens. Each operation lives in its own file (Ring.*.cs); this one holds the state and
/// the read-only queries.
/// </summary>
public sealed partial class Ring
{
    /// <summary>An entry plus the local change stamp that lets the ring give out deltas.</summary>
    private struct Slot(RingEntry entry, ulong stamp)
    {
        public RingEntry Entry = entry;
        public ulong Stamp = stamp;
    }

    private List<Slot> _slots = [];

    public Ring(AddressRange universe, PeerName local)
    {
        if (universe.IsEmpty)
            throw new ArgumentException($"a ring needs a non-empty universe, not {universe}", nameof(universe));
        Universe = universe;
        Local = local;
    }

    public AddressRange Universe { get; }

    public PeerName Local { get; }

    public Address Start => Universe.Start;

    public Address End => Universe.End;

    /// <summary>The sorted peer list the ring was created from; empty until the ring exists.</summary>
    public ImmutableArray<PeerName> Seeds { get; private set; } = [];

    /// <summary>Rises with every local change; deltas are taken relative to a past value of it.</summary>
    public ulong ChangeStamp { get; private set; }

    public bool IsEmpty => _slots.Count == 0;

    public int Count => _slots.Count;

    public RingEntry this[int index] => _slots[index].Entry;

    public IEnumerable<RingEntry> Entries => _slots.Select(s => s.Entry);

    /// <summary>Addresses from <paramref name="from"/> to <paramref name="to"/> going up, wrapping at the end of the universe.</summary>
    public UInt128 Distance(Address from, Address to) =>
        to > from ? to - from : (End - from) + (to - Start);

    /// <summary>The token after entry <paramref name="index"/>, wrapping round to the first.</summary>
    private Address NextToken(int index) => _slots[(index + 1) % _slots.Count].Entry.Token;

    /// <summary>The index of the entry whose range holds <paramref name="address"/> (the last token at or below it, wrapping).</summary>
    private int IndexCovering(Address address)
    {
        var i = IndexOfFirstAbove(address) - 1;
        return i < 0 ? _slots.Count - 1 : i;
    }

    private int IndexOfFirstAbove(Address address)
    {
        int lo = 0, hi = _slots.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_slots[mid].Entry.Token > address) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    private int IndexOf(Address token)
    {
        var i = IndexOfFirstAbove(token) - 1;
        return i >= 0 && _slots[i].Entry.Token == token ? i : -1;
    }

    /// <summary>The peer owning <paramref name="address"/>, or <see cref="PeerName.None"/> while the ring is empty.</summary>
    public PeerName Owner(Address address)
    {
        if (!Universe.Contains(address))
            throw new ArgumentOutOfRangeException(nameof(address), $"{address} is outside the ring's range {Universe}");
        return IsEmpty ? PeerName.None : _slots[IndexCovering(address)].Entry.Peer;
    }

    /// <summary>The ranges an entry covers: one, or two when it wraps past the end of the universe.</summary>
    private IEnumerable<AddressRange> RangesOf(int index)
    {
        var token = _slots[index].Entry.Token;
        return SplitOverEnd(token, NextToken(index));
    }

    private IEnumerable<AddressRange> SplitOverEnd(Address from, Address to)
    {
        if (to > from)
        {
            yield return new AddressRange(from, to);
            yield break;
        }
        // Wrapped (or a single entry covering everything).
        if (to > Start)
            yield return new AddressRange(Start, to);
        yield return new AddressRange(from, End);
    }

    /// <summary>The ranges <paramref name="peer"/> owns, sorted, adjacent ones joined.</summary>
    public IReadOnlyList<AddressRange> OwnedRangesOf(PeerName peer)
    {
        var ranges = new List<AddressRange>();
        for (var i = 0; i < _slots.Count; i++)
            if (_slots[i].Entry.Peer == peer)
                ranges.AddRange(RangesOf(i));
        return Coalesce(ranges);
    }

    public IReadOnlyList<AddressRange> OwnedRanges() => OwnedRangesOf(Local);

    internal static List<AddressRange> Coalesce(List<AddressRange> ranges)
    {
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var result = new List<AddressRange>(ranges.Count);
        foreach (var r in ranges)
        {
            if (result.Count > 0 && result[^1].End == r.Start)
                result[^1] = result[^1] with { End = r.End };
            else
                result.Add(r);
        }
        return result;
    }

    /// <summary>Every peer named in the ring.</summary>
    public IReadOnlySet<PeerName> Peers() => _slots.Select(s => s.Entry.Peer).ToHashSet();

    /// <summary>Addresses each peer owns, for status and the share column of <c>weave status ipam</c>.</summary>
    public IReadOnlyDictionary<PeerName, UInt128> SizeByPeer()
    {
        var sizes = new Dictionary<PeerName, UInt128>();
        for (var i = 0; i < _slots.Count; i++)
        {
            var e = _slots[i].Entry;
            sizes[e.Peer] = sizes.GetValueOrDefault(e.Peer) + Distance(e.Token, NextToken(i));
        }
        return sizes;
    }

    /// <summary>The free counts each peer's entries last advertised (this peer's as of its last report).</summary>
    public IReadOnlyDictionary<PeerName, UInt128> FreeByPeer()
    {
        var free = new Dictionary<PeerName, UInt128>();
        foreach (var slot in _slots)
            free[slot.Entry.Peer] = free.GetValueOrDefault(slot.Entry.Peer) + slot.Entry.Free;
        return free;
    }

    /// <summary>Who to hand everything to on leaving: the first owner in token order, other than this peer, that the caller accepts.</summary>
    public PeerName PickPeerForTransfer(Func<PeerName, bool> isValid)
    {
        foreach (var slot in _slots)
            if (slot.Entry.Peer != Local && isValid(slot.Entry.Peer))
                return slot.Entry.Peer;
        return PeerName.None;
    }

    public RingData ToData() =>
        new(Universe, Seeds, [.. _slots.Select(s => s.Entry)]);

    /// <summary>Rebuilds a persisted ring. The caller has checked that its universe is the one wanted.</summary>
    public static Ring Restore(PeerName local, RingData data)
    {
        var ring = new Ring(data.Universe, local);
        var error = ring.Validate(data.Entries, checkFree: false);
        if (error is not null)
            throw new InvalidDataException($"persisted ring is not valid: {error.Message}");
        ring.Seeds = data.Seeds;
        ring._slots = data.Entries.Select(e => new Slot(e, 0)).ToList();
        return ring;
    }

    public override string ToString() =>
        $"Ring [{Start}, {End}) seeds [{string.Join(", ", Seeds)}]" +
        string.Concat(_slots.Select(s => $"\n  {s.Entry}"));
}
