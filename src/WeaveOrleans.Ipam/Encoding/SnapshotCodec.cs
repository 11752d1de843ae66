using System.Collections.Immutable;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Encoding;

/// <summary>
/// The byte form of an <see cref="AllocatorSnapshot"/> as a host persists it. Versioned by
/// <see cref="AllocatorSnapshot.CurrentFormatVersion"/>, so that a downgrade refuses a newer file
/// rather than restoring half of it.
/// </summary>
public static class SnapshotCodec
{
    private const byte Magic = (byte)'S';
    private const byte FormatVersion = AllocatorSnapshot.CurrentFormatVersion;

    public static byte[] Encode(AllocatorSnapshot snapshot)
    {
        var w = new WireWriter();
        w.Header(Magic, FormatVersion);
        w.Peer(snapshot.Self);
        w.Text(snapshot.Nickname, NicknameCodec.MaxBytes);
        w.Cidr(snapshot.Range);
        w.Bool(snapshot.Ring is not null);
        if (snapshot.Ring is { } ring)
            RingCodec.Write(w, ring);
        w.Bool(snapshot.Paxos is not null);
        if (snapshot.Paxos is { } paxos)
            PaxosCodec.Write(w, paxos);
        NicknameCodec.Write(w, snapshot.Nicknames);
        RemovalCodec.Write(w, snapshot.Removed);
        w.Bool(snapshot.RemovedFromNetwork);
        var quarantine = snapshot.Quarantine.IsDefault ? [] : snapshot.Quarantine;
        w.Count(quarantine.Length);
        foreach (var q in quarantine)
        {
            w.Range(q.Range);
            w.Peers([.. q.Awaiting.Order()]);
        }
        return w.ToArray();
    }

    /// <summary>Anything malformed is an <see cref="InvalidDataException"/>, never another exception.</summary>
    public static AllocatorSnapshot Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "snapshot");
        r.Header(Magic, FormatVersion);
        var self = r.Peer();
        var nickname = r.Text(NicknameCodec.MaxBytes);
        var range = r.Cidr();
        RingData? ring = r.Bool() ? RingCodec.Read(ref r) : null;
        PaxosState? paxos = r.Bool() ? PaxosCodec.Read(ref r) : null;
        var nicknames = NicknameCodec.Read(ref r);
        var removed = RemovalCodec.Read(ref r);
        var removedFromNetwork = r.Bool();
        var quarantine = ImmutableArray.CreateBuilder<Quarantine>();
        for (var n = r.Count(); n > 0; n--)
            quarantine.Add(new Quarantine(r.Range(), [.. r.Peers()]));
        r.End();
        return new AllocatorSnapshot(self, nickname, range, ring, paxos, nicknames, removed, removedFromNetwork, quarantine.ToImmutable());
    }
}
