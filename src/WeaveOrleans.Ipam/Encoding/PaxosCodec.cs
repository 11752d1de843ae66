using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Encoding;

/// <summary>
/// The byte form of a <see cref="PaxosState"/>, alone or inside gossip and snapshots. Nodes and the
/// peers of an accepted value are written in order and must be read back in order, so a state has
/// exactly one encoding and a forged one cannot smuggle in entries that would be silently joined.
/// </summary>
public static class PaxosCodec
{
    private const byte Magic = (byte)'P';
    private const byte FormatVersion = 1;

    public static byte[] Encode(PaxosState state)
    {
        var w = new WireWriter();
        w.Header(Magic, FormatVersion);
        Write(w, state);
        return w.ToArray();
    }

    /// <summary>Anything malformed is an <see cref="InvalidDataException"/>.</summary>
    public static PaxosState Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new WireReader(bytes, "consensus state");
        r.Header(Magic, FormatVersion);
        var state = Read(ref r);
        r.End();
        return state;
    }

    internal static void Write(WireWriter w, PaxosState state)
    {
        w.Count(state.Count);
        foreach (var (node, claims) in state)
        {
            w.Peer(node);
            Write(w, claims);
        }
    }

    /// <summary>One node's claims, without the node.</summary>
    internal static void Write(WireWriter w, NodeClaims claims)
    {
        Write(w, claims.Promise);
        Write(w, claims.AcceptedId);
        w.Bool(claims.Accepted is not null);
        if (claims.Accepted is { } value)
        {
            w.Peers(value.Peers);
            w.Peer(value.Origin);
        }
    }

    internal static NodeClaims ReadClaims(ref WireReader r)
    {
        var promise = ReadProposal(ref r);
        var acceptedId = ReadProposal(ref r);
        var accepted = r.Bool() ? ReadValue(ref r) : null;
        return new NodeClaims(promise, acceptedId, accepted);
    }

    internal static PaxosState Read(ref WireReader r)
    {
        var entries = new List<KeyValuePair<PeerName, NodeClaims>>();
        PeerName? previous = null;
        for (var n = r.Count(); n > 0; n--)
        {
            var node = r.NextPeer(ref previous);
            entries.Add(new(node, ReadClaims(ref r)));
        }
        return PaxosState.From(entries);
    }

    private static void Write(WireWriter w, ProposalId id)
    {
        w.Var(id.Round);
        w.Peer(id.Proposer);
    }

    private static ProposalId ReadProposal(ref WireReader r) => new(r.Var64(), r.Peer());

    private static AcceptedValue ReadValue(ref WireReader r)
    {
        var peers = new List<PeerName>();
        PeerName? previous = null;
        for (var n = r.Count(); n > 0; n--)
            peers.Add(r.NextPeer(ref previous));
        return new AcceptedValue(peers, r.Peer());
    }
}
