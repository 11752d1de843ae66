using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.FreeList;

/// <summary>
/// The addresses one peer owns on the ring, split into those handed out, those free, and those held
/// back (owned, but not to be handed out or given away yet: ranges taken over with rmpeer until the
/// other peers confirm nobody else owns them). The three sets never overlap; what the peer owns is
/// their union. Pure bookkeeping: no clock, no randomness, no I/O, and expected failures are
/// reported by return values.
/// </summary>
public sealed class Space
{
    private readonly IntervalSet _free = new();
    private readonly IntervalSet _allocated = new();
    private readonly IntervalSet _held = new();

    // Exposed to tests so they can check the representation stays canonical.
    internal IntervalSet FreeSet => _free;

    internal IntervalSet AllocatedSet => _allocated;

    public UInt128 FreeCount => _free.Count;

    public UInt128 AllocatedCount => _allocated.Count;

    public UInt128 HeldCount => _held.Count;

    public UInt128 OwnedCount => _free.Count + _allocated.Count + _held.Count;

    /// <summary>Holds back the free part of <paramref name="r"/>: it stays owned but is neither handed out nor donated.</summary>
    public void Hold(AddressRange r)
    {
        foreach (var piece in _free.Ranges.Select(f => f.Intersect(r)).Where(p => !p.IsEmpty).ToList())
        {
            _free.Remove(piece);
            _held.Add(piece);
        }
    }

    /// <summary>Makes the held part of <paramref name="r"/> free again.</summary>
    public void Release(AddressRange r)
    {
        foreach (var piece in _held.Ranges.Select(h => h.Intersect(r)).Where(p => !p.IsEmpty).ToList())
        {
            _held.Remove(piece);
            _free.Add(piece);
        }
    }

    public IEnumerable<AddressRange> HeldRanges() => _held.Ranges;

    /// <summary>Hands out the lowest free address in <paramref name="within"/>, so a range fills from the bottom up.</summary>
    public bool TryAllocate(AddressRange within, out Address address)
    {
        if (!_free.FirstIn(within, out address))
            return false;
        Move(address, _free, _allocated);
        return true;
    }

    public ClaimResult Claim(Address a)
    {
        if (_free.Contains(a))
        {
            Move(a, _free, _allocated);
            return ClaimResult.Claimed;
        }
        return _allocated.Contains(a) ? ClaimResult.AlreadyAllocated : _held.Contains(a) ? ClaimResult.Held : ClaimResult.NotOwned;
    }

    public bool Free(Address a)
    {
        if (!_allocated.Contains(a))
            return false;
        Move(a, _allocated, _free);
        return true;
    }

    /// <summary>Takes on a range as free space. The ring never gives a peer the same address twice, so an overlap means a bug upstream.</summary>
    internal void AddOwned(AddressRange r)
    {
        if (_free.Overlaps(r) || _allocated.Overlaps(r) || _held.Overlaps(r))
            throw new InvalidOperationException($"cannot add {r}: part of it is already owned ({string.Join(", ", OwnedRanges())})");
        _free.Add(r);
    }

    /// <summary>
    /// Gives up ownership of <paramref name="r"/> so the free list shrinks along with the ring.
    /// Refused when anything in it is still handed out: dropping live addresses would let another
    /// peer hand them out a second time.
    /// </summary>
    internal bool TryRemoveOwned(AddressRange r)
    {
        if (_allocated.Overlaps(r))
            return false;
        _free.Remove(r);
        _held.Remove(r);
        return true;
    }

    /// <summary>
    /// Picks free space in <paramref name="within"/> to give to another peer, and stops owning it.
    /// The gift is the largest CIDR-aligned free block (aligned blocks keep ring tokens and routes
    /// few), but when that block is more than half of the free space here only its upper half goes,
    /// so the donor is not left empty-handed and keeps the low end it is filling bottom-up. A lone
    /// address cannot be halved, so it goes whole.
    /// </summary>
    internal bool TryDonate(AddressRange within, out AddressRange donated)
    {
        donated = default;
        var best = default(AddressRange);
        var freeInWithin = UInt128.Zero;
        for (var i = _free.FirstIntervalEndingAfter(within.Start); i < _free.IntervalCount; i++)
        {
            var piece = _free.IntervalAt(i).Intersect(within);
            if (piece.IsEmpty)
                break;
            freeInWithin += piece.Size;
            var block = piece.BiggestAlignedBlock();
            // Strictly larger only: pieces come in address order, so the lowest block wins a tie.
            if (block.Size > best.Size)
                best = block;
        }
        if (best.IsEmpty)
            return false;
        if (best.Size > freeInWithin / 2 && best.Size >= 2)
            best = new AddressRange(best.Start + best.Size / 2, best.End);
        _free.Remove(best);
        donated = best;
        return true;
    }

    public UInt128 FreeIn(AddressRange r) => _free.CountIn(r);

    public bool HasAllocations(AddressRange r) => _allocated.Overlaps(r);

    public bool HasHeld(AddressRange r) => _held.Overlaps(r);

    public bool IsFree(Address a) => _free.Contains(a);

    public bool IsAllocated(Address a) => _allocated.Contains(a);

    public bool IsHeld(Address a) => _held.Contains(a);

    public bool Owns(Address a) => _free.Contains(a) || _allocated.Contains(a) || _held.Contains(a);

    /// <summary>Everything owned, in address order, with runs that touch glued together.</summary>
    public IEnumerable<AddressRange> OwnedRanges()
    {
        var all = new IntervalSet();
        foreach (var set in new[] { _free, _allocated, _held })
            foreach (var r in set.Ranges)
                all.Add(r);
        return all.Ranges.ToList();
    }

    public IEnumerable<AddressRange> FreeRanges() => _free.Ranges;

    public IEnumerable<AddressRange> AllocatedRanges() => _allocated.Ranges;

    internal void Clear()
    {
        _free.Clear();
        _allocated.Clear();
        _held.Clear();
    }

    public override string ToString() => $"free: {_free}; allocated: {_allocated}; held: {_held}";

    private static void Move(Address a, IntervalSet from, IntervalSet to)
    {
        var single = new AddressRange(a, a + 1);
        from.Remove(single);
        to.Add(single);
    }
}
