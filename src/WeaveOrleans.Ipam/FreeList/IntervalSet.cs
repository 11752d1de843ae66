using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.FreeList;

/// <summary>
/// A set of addresses kept as sorted boundaries: even slots open an interval (inclusive), odd
/// slots close it (exclusive). The boundaries are strictly increasing, so the representation is
/// canonical: no empty intervals and no two intervals that touch. That makes membership a single
/// binary search (an address is inside exactly when an odd number of boundaries are at or below it).
/// </summary>
internal sealed class IntervalSet
{
    private Address[] _bounds = [];
    private int _length;

    /// <summary>Total number of member addresses, maintained on every mutation so reading it is O(1).</summary>
    public UInt128 Count { get; private set; }

    /// <summary>Bumped on every mutation so lazy enumerations can detect that they went stale.</summary>
    internal int Version { get; private set; }

    public int IntervalCount => _length / 2;

    internal ReadOnlySpan<Address> Boundaries => _bounds.AsSpan(0, _length);

    public AddressRange IntervalAt(int index) => new(_bounds[2 * index], _bounds[2 * index + 1]);

    /// <summary>Index of the first interval whose end lies after <paramref name="a"/>: the one holding it, or the next one up.</summary>
    public int FirstIntervalEndingAfter(Address a) => FirstGreater(a, 0) >> 1;

    public IEnumerable<AddressRange> Ranges
    {
        get
        {
            var version = Version;
            for (var i = 0; i < IntervalCount; i++)
            {
                yield return IntervalAt(i);
                ThrowIfChanged(version);
            }
        }
    }

    public bool Contains(Address a) => (FirstGreater(a, 0) & 1) == 1;

    public bool Overlaps(AddressRange range)
    {
        if (range.IsEmpty)
            return false;
        var i = FirstGreater(range.Start, 0);
        // Odd: Start itself is a member. Even: the next interval up must open before End.
        return (i & 1) == 1 || (i < _length && _bounds[i] < range.End);
    }

    public bool FirstIn(AddressRange range, out Address first)
    {
        first = default;
        if (range.IsEmpty)
            return false;
        var i = FirstGreater(range.Start, 0);
        if ((i & 1) == 1)
        {
            first = range.Start;
            return true;
        }
        if (i < _length && _bounds[i] < range.End)
        {
            first = _bounds[i];
            return true;
        }
        return false;
    }

    /// <summary>Members inside <paramref name="range"/>; O(log n) to find the start plus one step per interval it touches.</summary>
    public UInt128 CountIn(AddressRange range)
    {
        if (range.IsEmpty)
            return UInt128.Zero;
        var total = UInt128.Zero;
        for (var i = FirstIntervalEndingAfter(range.Start); i < IntervalCount; i++)
        {
            var piece = IntervalAt(i).Intersect(range);
            if (piece.IsEmpty)
                break;
            total += piece.Size;
        }
        return total;
    }

    public void Add(AddressRange range)
    {
        if (range.IsEmpty)
            return;
        Count += range.Size - CountIn(range);
        Splice(range, keepInside: false);
    }

    public void Remove(AddressRange range)
    {
        if (range.IsEmpty)
            return;
        Count -= CountIn(range);
        Splice(range, keepInside: true);
    }

    public void Clear()
    {
        _length = 0;
        Count = UInt128.Zero;
        Version++;
    }

    /// <summary>
    /// Replaces every boundary inside [Start, End] with at most two new ones. A new boundary is
    /// needed only where the set's membership actually changes: for a union, where Start or End
    /// falls outside the existing intervals; for a difference, where they fall inside. Everything
    /// else between them disappears, which is what keeps the array coalesced.
    /// </summary>
    private void Splice(AddressRange range, bool keepInside)
    {
        var from = FirstGreaterOrEqual(range.Start);
        var to = FirstGreater(range.End, from);
        var parity = keepInside ? 1 : 0;
        var newStart = (from & 1) == parity;
        var newEnd = (to & 1) == parity;
        var inserted = (newStart ? 1 : 0) + (newEnd ? 1 : 0);
        var tail = _length - to;
        var newLength = from + inserted + tail;

        EnsureCapacity(newLength);
        // The tail moves first: the inserted boundaries may land where it used to start.
        Array.Copy(_bounds, to, _bounds, from + inserted, tail);
        var at = from;
        if (newStart)
            _bounds[at++] = range.Start;
        if (newEnd)
            _bounds[at] = range.End;
        _length = newLength;
        Version++;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _bounds.Length)
            return;
        var grown = new Address[Math.Max(needed, Math.Max(4, _bounds.Length * 2))];
        Array.Copy(_bounds, grown, _length);
        _bounds = grown;
    }

    /// <summary>First index at or after <paramref name="low"/> whose boundary is greater than <paramref name="a"/>.</summary>
    private int FirstGreater(Address a, int low)
    {
        var high = _length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_bounds[mid] > a)
                high = mid;
            else
                low = mid + 1;
        }
        return low;
    }

    private int FirstGreaterOrEqual(Address a)
    {
        int low = 0, high = _length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_bounds[mid] >= a)
                high = mid;
            else
                low = mid + 1;
        }
        return low;
    }

    internal void ThrowIfChanged(int version)
    {
        if (version != Version)
            throw new InvalidOperationException("the address set changed while it was being enumerated");
    }

    public override string ToString() => IntervalCount == 0 ? "{}" : string.Join(", ", Ranges);
}
