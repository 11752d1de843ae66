using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Rings;

/// <summary>
/// The compact, versioned byte form of a <see cref="RingData"/>, for gossip and snapshots. Tokens are
/// written as gaps from the previous one and owners as indexes into a peer table, all as varints, so
/// a 10,000-entry ring costs a few bytes an entry instead of Weave's gob-encoded dozens.
/// </summary>
public static class RingCodec
{
    private const byte Magic = (byte)'R';
    private const byte FormatVersion = 1;

    public static byte[] Encode(RingData ring)
    {
        var w = new WireWriter();
        w.Header(Magic, FormatVersion);
        Write(w, ring);
        return w.ToArray();
    }

    /// <summary>Decodes bytes from a peer or a file; anything malformed is an <see cref="InvalidDataException"/>, never a crash.</summary>
    public static RingData Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "ring");
        r.Header(Magic, FormatVersion);
        var ring = Read(ref r);
        r.End();
        return ring;
    }

    /// <summary>Writes the ring without its own header, inside a message whose header versions it.</summary>
    internal static void Write(WireWriter w, RingData ring)
    {
        for (var i = 1; i < ring.Entries.Length; i++)
            if (ring.Entries[i].Token <= ring.Entries[i - 1].Token)
                throw new ArgumentException("only a sorted ring without repeated tokens can be encoded", nameof(ring));
        // The delta byte also says whether entry ends follow the entries: 0 and 1 are what they always
        // were, so a ring without ends (and an old peer's ring) is byte for byte what earlier releases send.
        var withEnds = ring.Entries.Any(e => e.End is not null);
        w.Byte((byte)((ring.IsDelta ? 1 : 0) | (withEnds ? 2 : 0)));
        w.Var(ring.Universe.Start.Value);
        w.Var(ring.Universe.Size);
        w.Peers(ring.Seeds.IsDefault ? [] : ring.Seeds);

        var peers = ring.Entries.Select(e => e.Peer).Distinct().Order().ToArray();
        var index = peers.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => (ulong)x.i);
        w.Peers(peers);

        w.Count(ring.Entries.Length);
        var previous = ring.Universe.Start;
        foreach (var e in ring.Entries)
        {
            w.Var(e.Token - previous);
            w.Var(index[e.Peer]);
            w.Var(e.Version);
            w.Var(e.Free);
            previous = e.Token;
        }
        // One byte in the common case: 0 no end, 1 the end is the next token in this list and was
        // recorded at the entry's version; else 2, the end's distance and how far below the version.
        if (withEnds)
            for (var i = 0; i < ring.Entries.Length; i++)
            {
                var e = ring.Entries[i];
                if (e.End is not { } end)
                    w.Var(0);
                else if (end == ring.Entries[(i + 1) % ring.Entries.Length].Token && e.EndVersion == e.Version)
                    w.Var(1);
                else
                {
                    w.Var(2);
                    w.Var(EndGap(ring.Universe, e));
                    w.Var(e.Version - e.EndVersion);
                }
            }
    }

    /// <summary>An entry's end as the distance from its token (the universe's size for a lone entry), 0 for none.</summary>
    internal static UInt128 EndGap(AddressRange universe, RingEntry e) =>
        e.End is not { } end ? UInt128.Zero
        : end > e.Token ? end - e.Token
        : (universe.End - e.Token) + (end - universe.Start);

    /// <summary>The end <see cref="EndGap"/> wrote, or null for 0; a gap beyond the universe is malformed.</summary>
    internal static Address? EndAt(ref WireReader r, AddressRange universe, Address token, UInt128 gap)
    {
        if (gap == UInt128.Zero)
            return null;
        if (gap > universe.Size)
            throw r.Invalid($"entry end {gap} past the ring's size");
        var room = universe.End - token;
        return gap < room ? token + gap : universe.Start + (gap - room);
    }

    internal static RingData Read(ref WireReader r)
    {
        var flags = r.Byte();
        if (flags > 3)
            throw r.Invalid($"ring flags {flags}");
        var isDelta = (flags & 1) != 0;
        var start = new Address(r.Var128());
        var size = r.Var128();
        if (size == UInt128.Zero || start.Value + size < start.Value)
            throw r.Invalid("bad ring universe");
        var seeds = r.Peers();
        var peers = r.Peers();
        var count = r.Count();
        var entries = ImmutableArray.CreateBuilder<RingEntry>(count);
        var token = start;
        for (var n = count; n > 0; n--)
        {
            token += r.Var128();
            var peer = r.Var64();
            if (peer >= (ulong)peers.Length)
                throw r.Invalid($"peer index {peer} out of range");
            var entryVersion = r.UInt32();
            entries.Add(new RingEntry(token, peers[(int)peer], entryVersion, r.Var128()));
        }
        var universe = new AddressRange(start, start + size);
        if ((flags & 2) != 0)
            for (var k = 0; k < entries.Count; k++)
            {
                var e = entries[k];
                switch (r.Var64())
                {
                    case 0:
                        break;
                    case 1:
                        entries[k] = e with { End = entries[(k + 1) % entries.Count].Token, EndVersion = e.Version };
                        break;
                    case 2:
                        var end = EndAt(ref r, universe, e.Token, r.Var128());
                        var below = r.UInt32();
                        if (end is null || below > e.Version)
                            throw r.Invalid($"entry {e.Token} has an end of no length or recorded above its version");
                        entries[k] = e with { End = end, EndVersion = e.Version - below };
                        break;
                    case var code:
                        throw r.Invalid($"entry end code {code}");
                }
            }
        return new RingData(universe, seeds, entries.ToImmutable(), isDelta);
    }
}
