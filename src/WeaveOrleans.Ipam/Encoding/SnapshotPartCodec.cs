using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Ipam.Snapshots;

namespace WeaveOrleans.Ipam.Encoding;

/// <summary>
/// The stored form of each <see cref="SnapshotPart"/>: a key a store can address it by ("header",
/// "entry/10.32.0.0", "nickname/aa:bb:cc:dd:ee:ff"...) and a versioned record that carries the whole
/// part, key included, so that a record filed under the wrong key is refused rather than believed.
/// </summary>
public static class SnapshotPartCodec
{
    private const byte Magic = (byte)'T';
    private const byte FormatVersion = 1;

    /// <summary>
    /// The format of a ring entry that records its end (issue 11). Other parts, and entries without an
    /// end, stay at <see cref="FormatVersion"/>, so what earlier releases wrote reads as before; an
    /// entry of this format always has the end, so a record torn just before it is refused, not
    /// mistaken for an entry without one.
    /// </summary>
    private const byte EntryWithEndVersion = 2;

    public static string KeyOf(PartKey key) => key.Kind switch
    {
        PartKind.Header => "header",
        PartKind.Ring => "ring",
        PartKind.Consensus => "consensus",
        PartKind.Quarantine => "quarantine",
        PartKind.RingEntry => $"entry/{new Address(key.Id)}",
        PartKind.Nickname => $"nickname/{new PeerName((ulong)key.Id)}",
        PartKind.Removal => $"removed/{new PeerName((ulong)key.Id)}",
        PartKind.Elector => $"elector/{new PeerName((ulong)key.Id)}",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key.Kind, "no such part"),
    };

    public static byte[] Encode(SnapshotPart part)
    {
        var w = new WireWriter();
        w.Header(Magic, part is RingEntryPart { Entry.End: not null } ? EntryWithEndVersion : FormatVersion);
        w.Byte((byte)part.Key.Kind);
        switch (part)
        {
            case HeaderPart h:
                w.Peer(h.Self);
                w.Text(h.Nickname, NicknameCodec.MaxBytes);
                w.Cidr(h.Range);
                w.Bool(h.RemovedFromNetwork);
                break;
            case RingPart r:
                w.Range(r.Universe);
                w.Peers(r.Seeds);
                break;
            case RingEntryPart { Entry: var e }:
                w.Var(e.Token.Value);
                w.Peer(e.Peer);
                w.Var(e.Version);
                w.Var(e.Free);
                if (e.End is { } end)
                {
                    w.Var(end.Value);
                    w.Var(e.EndVersion);
                }
                break;
            case ConsensusPart c:
                PaxosCodec.Write(w, c.State);
                break;
            case ElectorPart e:
                w.Peer(e.Node);
                PaxosCodec.Write(w, e.Claims);
                break;
            case NicknamePart n:
                w.Peer(n.Peer);
                w.Text(n.Nickname, NicknameCodec.MaxBytes);
                break;
            case RemovalPart r:
                w.Peer(r.Victim);
                w.Peer(r.Remover);
                break;
            case QuarantinePart q:
                w.Count(q.Entries.Length);
                foreach (var entry in q.Entries)
                {
                    w.Range(entry.Range);
                    w.Peers([.. entry.Awaiting.Order()]);
                }
                break;
            default:
                throw new ArgumentException($"no encoding for {part.GetType().Name}", nameof(part));
        }
        return w.ToArray();
    }

    /// <summary>The part stored under <paramref name="key"/>. Anything malformed, or filed under another key, is an <see cref="InvalidDataException"/>.</summary>
    public static SnapshotPart Decode(string key, ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, $"snapshot part {key}");
        var version = r.Header(Magic, FormatVersion, EntryWithEndVersion);
        var kind = (PartKind)r.Byte();
        if (version == EntryWithEndVersion && kind != PartKind.RingEntry)
            throw r.Invalid($"part kind {(byte)kind} in the format of ring entries with an end");
        SnapshotPart part = kind switch
        {
            PartKind.Header => new HeaderPart(r.Peer(), r.Text(NicknameCodec.MaxBytes), r.Cidr(), r.Bool()),
            PartKind.Ring => new RingPart(r.Range(), r.Peers()),
            PartKind.RingEntry => new RingEntryPart(ReadEntry(ref r, withEnd: version == EntryWithEndVersion)),
            PartKind.Consensus => new ConsensusPart(PaxosCodec.Read(ref r)),
            PartKind.Elector => new ElectorPart(r.Peer(), PaxosCodec.ReadClaims(ref r)),
            PartKind.Nickname => new NicknamePart(r.Peer(), r.Text(NicknameCodec.MaxBytes)),
            PartKind.Removal => new RemovalPart(r.Peer(), r.Peer()),
            PartKind.Quarantine => new QuarantinePart(ReadQuarantine(ref r)),
            _ => throw r.Invalid($"unknown part kind {(byte)kind}"),
        };
        r.End();
        if (KeyOf(part.Key) != key)
            throw r.Invalid($"the record is of {KeyOf(part.Key)}");
        return part;
    }

    /// <summary>The snapshot stored as <paramref name="parts"/> (key to record); null when there are none.</summary>
    public static AllocatorSnapshot? DecodeSnapshot(IEnumerable<KeyValuePair<string, byte[]>> parts) =>
        SnapshotParts.Assemble(parts.Select(p => Decode(p.Key, p.Value)));

    /// <summary>Every part of the change as the store's keys and records; a null record deletes.</summary>
    public static Dictionary<string, byte[]?> EncodeChange(SnapshotChange change)
    {
        var records = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var key in change.Removed)
            records[KeyOf(key)] = null;
        foreach (var part in change.Written)
            records[KeyOf(part.Key)] = Encode(part);
        return records;
    }

    private static RingEntry ReadEntry(ref WireReader r, bool withEnd)
    {
        var entry = new RingEntry(new Address(r.Var128()), r.Peer(), r.UInt32(), r.Var128());
        return withEnd ? entry with { End = new Address(r.Var128()), EndVersion = r.UInt32() } : entry;
    }

    private static ImmutableArray<Quarantine> ReadQuarantine(ref WireReader r)
    {
        var entries = ImmutableArray.CreateBuilder<Quarantine>();
        for (var n = r.Count(); n > 0; n--)
            entries.Add(new Quarantine(r.Range(), [.. r.Peers()]));
        return entries.ToImmutable();
    }
}
