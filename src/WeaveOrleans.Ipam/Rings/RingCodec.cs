using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
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
        for (var i = 1; i < ring.Entries.Length; i++)
            if (ring.Entries[i].Token <= ring.Entries[i - 1].Token)
                throw new ArgumentException("only a sorted ring without repeated tokens can be encoded", nameof(ring));
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(ring.IsDelta);
        WriteVar(w, ring.Universe.Start.Value);
        WriteVar(w, ring.Universe.Size);
        WriteVar(w, (ulong)ring.Seeds.Length);
        foreach (var seed in ring.Seeds)
            WriteVar(w, seed.Value);

        var peers = ring.Entries.Select(e => e.Peer).Distinct().Order().ToArray();
        var index = peers.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => (ulong)x.i);
        WriteVar(w, (ulong)peers.Length);
        foreach (var peer in peers)
            WriteVar(w, peer.Value);

        WriteVar(w, (ulong)ring.Entries.Length);
        var previous = ring.Universe.Start;
        foreach (var e in ring.Entries)
        {
            WriteVar(w, e.Token - previous);
            WriteVar(w, index[e.Peer]);
            WriteVar(w, e.Version);
            WriteVar(w, e.Free);
            previous = e.Token;
        }
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>Decodes bytes from a peer or a file; anything malformed is an <see cref="InvalidDataException"/>, never a crash.</summary>
    public static RingData Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new SpanReader(bytes);
        if (r.Byte() != Magic)
            throw new InvalidDataException("not an encoded ring");
        var version = r.Byte();
        if (version != FormatVersion)
            throw new InvalidDataException($"ring format version {version} is not supported (this build reads {FormatVersion})");
        var isDelta = r.Byte() switch { 0 => false, 1 => true, var b => throw new InvalidDataException($"bad delta flag {b}") };
        var start = new Address(r.Var128());
        var size = r.Var128();
        if (size == UInt128.Zero || start.Value + size < start.Value)
            throw new InvalidDataException("bad ring universe");
        var seeds = ImmutableArray.CreateBuilder<PeerName>();
        for (var n = r.Count(); n > 0; n--)
            seeds.Add(new PeerName(r.Var64()));
        var peers = new PeerName[r.Count()];
        for (var i = 0; i < peers.Length; i++)
            peers[i] = new PeerName(r.Var64());
        var entries = ImmutableArray.CreateBuilder<RingEntry>();
        var token = start;
        for (var n = r.Count(); n > 0; n--)
        {
            token += r.Var128();
            var peer = r.Var64();
            if (peer >= (ulong)peers.Length)
                throw new InvalidDataException($"peer index {peer} out of range");
            var entryVersion = r.Var64();
            if (entryVersion > uint.MaxValue)
                throw new InvalidDataException("entry version too large");
            entries.Add(new RingEntry(token, peers[peer], (uint)entryVersion, r.Var128()));
        }
        if (!r.AtEnd)
            throw new InvalidDataException("trailing bytes after ring");
        return new RingData(new AddressRange(start, start + size), seeds.ToImmutable(), entries.ToImmutable(), isDelta);
    }

    private static void WriteVar(BinaryWriter w, UInt128 value)
    {
        while (value >= 0x80)
        {
            w.Write((byte)(value | 0x80));
            value >>= 7;
        }
        w.Write((byte)value);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _pos;

        public readonly bool AtEnd => _pos == _bytes.Length;

        public byte Byte() => _pos < _bytes.Length ? _bytes[_pos++] : throw new InvalidDataException("ring data ends early");

        public UInt128 Var128()
        {
            UInt128 value = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (shift > 126)
                    throw new InvalidDataException("varint too long");
                var b = Byte();
                value |= (UInt128)(b & 0x7f) << shift;
                if (b < 0x80)
                    return value;
            }
        }

        public ulong Var64()
        {
            var v = Var128();
            return v <= ulong.MaxValue ? (ulong)v : throw new InvalidDataException("number too large");
        }

        /// <summary>A length prefix; bounded by the bytes left so a forged length cannot exhaust memory.</summary>
        public int Count()
        {
            var n = Var64();
            return n <= (ulong)(_bytes.Length - _pos) ? (int)n : throw new InvalidDataException("length larger than the data");
        }
    }
}
