namespace WeaveOrleans.Ipam.Addresses;

/// <summary>A half-open run of addresses [Start, End).</summary>
public readonly record struct AddressRange(Address Start, Address End)
{
    public UInt128 Size => End > Start ? End - Start : UInt128.Zero;

    public bool IsEmpty => End <= Start;

    public bool Contains(Address a) => a >= Start && a < End;

    public bool Contains(AddressRange other) => other.Start >= Start && other.End <= End;

    public bool Overlaps(AddressRange other) => Start < other.End && other.Start < End;

    public AddressRange Intersect(AddressRange other) =>
        new(Address.Max(Start, other.Start), Address.Min(End, other.End));

    /// <summary>
    /// The largest CIDR-aligned block inside this range (the lowest one if several tie), which is what
    /// a donation gives away: aligned blocks keep routes and ring tokens few.
    /// </summary>
    public AddressRange BiggestAlignedBlock()
    {
        var best = new AddressRange(Start, Start);
        var cursor = Start;
        while (cursor < End)
        {
            var block = LargestAlignedBlockAt(cursor, End);
            if (block.Size > best.Size)
                best = block;
            cursor = block.End;
        }
        return best;
    }

    /// <summary>The largest block that starts at <paramref name="start"/>, is aligned to its own size and ends by <paramref name="limit"/>.</summary>
    internal static AddressRange LargestAlignedBlockAt(Address start, Address limit)
    {
        var room = limit - start;
        // Alignment: the lowest set bit of the start (or the whole line for address zero).
        var size = start.Value == UInt128.Zero ? UInt128.One << 127 : start.Value & (~start.Value + 1);
        while (size > room)
            size >>= 1;
        return new AddressRange(start, start + size);
    }

    public override string ToString() => IsEmpty ? $"{Start}-{End} (empty)" : $"{Start}-{End - 1}";
}
