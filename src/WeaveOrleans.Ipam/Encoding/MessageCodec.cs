using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Pools;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Encoding;

/// <summary>
/// The byte form of a <see cref="PeerMessage"/> on the wire between hosts. The header carries a format
/// version so that a peer meeting a newer release can say which format it speaks instead of misreading it,
/// and the pool the message is for: version 2 is the default pool's (the pool is implied, so these bytes
/// are what every earlier release sends and reads), version 3 names its pool after the kind byte.
/// </summary>
public static class MessageCodec
{
    /// <summary>The version written for the default pool: unchanged, so peers of earlier releases still read it.</summary>
    public const byte FormatVersion = 2;

    /// <summary>The version that names a pool other than the default in the header.</summary>
    public const byte PoolFormatVersion = 3;

    /// <summary>The longest nickname, in UTF-8 bytes, that gossip carries.</summary>
    public const int MaxNicknameBytes = NicknameCodec.MaxBytes;

    private const byte Magic = (byte)'W';

    private enum Kind : byte
    {
        Gossip = 0,
        SpaceRequest = 1,
        SpaceRequestDenied = 2,

        /// <summary>Gossip whose ring is a delta: its own kind so that counters tell deltas from whole rings without decoding.</summary>
        GossipDelta = 3,
    }

    /// <summary>
    /// The kind of an encoded message, read from its header without decoding it, for per-kind
    /// counters: "gossip", "gossip-delta", "space-request", "space-request-denied", or "malformed".
    /// </summary>
    public static string KindOf(ReadOnlySpan<byte> encoded) =>
        encoded.Length < 3 || encoded[0] != Magic ? "malformed" : (Kind)encoded[2] switch
        {
            Kind.Gossip => "gossip",
            Kind.GossipDelta => "gossip-delta",
            Kind.SpaceRequest => "space-request",
            Kind.SpaceRequestDenied => "space-request-denied",
            _ => "malformed",
        };

    /// <summary>A message of the default pool.</summary>
    public static byte[] Encode(PeerMessage message) => Encode(message, PoolId.Default);

    public static byte[] Encode(PeerMessage message, PoolId pool)
    {
        var w = new WireWriter();
        w.Header(Magic, pool.IsDefault ? FormatVersion : PoolFormatVersion);
        var kind = message switch
        {
            Gossip gossip => gossip.Ring is { IsDelta: true } ? Kind.GossipDelta : Kind.Gossip,
            SpaceRequest => Kind.SpaceRequest,
            SpaceRequestDenied => Kind.SpaceRequestDenied,
            _ => throw new ArgumentException($"no encoding for {message.GetType().Name}", nameof(message)),
        };
        w.Byte((byte)kind);
        if (!pool.IsDefault)
            w.Text(pool.Name, PoolId.MaxLength);
        switch (message)
        {
            case Gossip gossip:
                WriteGossip(w, gossip);
                break;
            case SpaceRequest request:
                w.Range(request.Range);
                break;
            case SpaceRequestDenied denied:
                w.Range(denied.Range);
                break;
        }
        return w.ToArray();
    }

    /// <summary>Decodes bytes from a peer, whatever its pool; anything malformed is an <see cref="InvalidDataException"/>, never a crash.</summary>
    public static PeerMessage Decode(ReadOnlySpan<byte> bytes) => DecodeWithPool(bytes).Message;

    public static (PoolId Pool, PeerMessage Message) DecodeWithPool(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "message");
        var kind = ReadHeader(ref r, out var pool);
        PeerMessage message = kind switch
        {
            (byte)Kind.Gossip => ReadGossip(ref r, delta: false),
            (byte)Kind.GossipDelta => ReadGossip(ref r, delta: true),
            (byte)Kind.SpaceRequest => new SpaceRequest(r.Range()),
            (byte)Kind.SpaceRequestDenied => new SpaceRequestDenied(r.Range()),
            _ => throw r.Invalid($"unknown message type {kind}"),
        };
        r.End();
        return (pool, message);
    }

    /// <summary>The pool an encoded message is for, read from its header alone (to route it); an <see cref="InvalidDataException"/> when the header is malformed.</summary>
    public static PoolId PoolOf(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "message");
        ReadHeader(ref r, out var pool);
        return pool;
    }

    private static byte ReadHeader(ref WireReader r, out PoolId pool)
    {
        var version = r.Header(Magic, FormatVersion, PoolFormatVersion);
        var kind = r.Byte();
        pool = PoolId.Default;
        // A version-3 header always names a pool other than the default, so every message has one form.
        if (version != PoolFormatVersion)
            return kind;
        if (!PoolId.TryParse(r.Text(PoolId.MaxLength), out pool, out var error))
            throw r.Invalid(error);
        if (pool.IsDefault)
            throw r.Invalid("a version 3 header naming the default pool");
        return kind;
    }

    private static void WriteGossip(WireWriter w, Gossip gossip)
    {
        NicknameCodec.Write(w, gossip.Nicknames);
        w.Bool(gossip.Paxos is not null);
        if (gossip.Paxos is { } paxos)
            PaxosCodec.Write(w, paxos);
        w.Bool(gossip.Ring is not null);
        if (gossip.Ring is { } ring)
            RingCodec.Write(w, ring);
        RemovalCodec.Write(w, gossip.Removed);
        // The ring-request byte also says whether a relay bound follows: 0 and 1 are what they always
        // were, so gossip without a relay duty is byte for byte what earlier releases send.
        w.Byte((byte)((gossip.RingRequest ? 1 : 0) | (gossip.RelayUntil is null ? 0 : 2)));
        WriteStamp(w, gossip.RingAt);
        w.Var(gossip.DeltaBase);
        WriteStamp(w, gossip.Heard);
        if (gossip.RelayUntil is { } until)
            w.Peer(until);
    }

    private static void WriteStamp(WireWriter w, RingStamp? stamp)
    {
        w.Bool(stamp is not null);
        if (stamp is { } s)
        {
            w.Var(s.Epoch);
            w.Var(s.Stamp);
        }
    }

    private static RingStamp? ReadStamp(ref WireReader r) =>
        r.Bool() ? new RingStamp(r.Var64(), r.Var64()) : null;

    private static Gossip ReadGossip(ref WireReader r, bool delta)
    {
        var nicknames = NicknameCodec.Read(ref r);
        PaxosState? paxos = r.Bool() ? PaxosCodec.Read(ref r) : null;
        RingData? ring = r.Bool() ? RingCodec.Read(ref r) : null;
        if ((ring?.IsDelta ?? false) != delta)
            throw r.Invalid(delta ? "delta gossip without a delta ring" : "gossip with a delta ring under the whole-ring kind");
        var removed = RemovalCodec.Read(ref r);
        var flags = r.Byte();
        if (flags > 3)
            throw r.Invalid($"ring-request flags {flags}");
        var ringRequest = (flags & 1) != 0;
        var ringAt = ReadStamp(ref r);
        var deltaBase = r.Var64();
        var heard = ReadStamp(ref r);
        PeerName? relayUntil = (flags & 2) != 0 ? r.Peer() : null;
        return new Gossip(nicknames, paxos, ring, removed, ringRequest, ringAt, deltaBase, heard, relayUntil);
    }
}
