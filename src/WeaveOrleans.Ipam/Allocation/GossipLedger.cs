using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// Who holds how much of whose ring history, which decides what gossip carries: a peer that has
/// acknowledged a point of our history gets only what changed since, and a delta from a peer is
/// merged only over a point of its history we hold (merged over a gap it would leave us owning a
/// range without the tokens that split it). Not persisted: <see cref="Epoch"/> is drawn afresh at
/// every start, so acknowledgements from an earlier incarnation never count.
/// </summary>
internal sealed class GossipLedger(ulong epoch)
{
    /// <summary>Per peer: the point of our ring history it last said it holds.</summary>
    private readonly Dictionary<PeerName, RingStamp> _acked = [];

    /// <summary>Per peer: the point of its ring history we hold, told back to it with our gossip.</summary>
    private readonly Dictionary<PeerName, RingStamp> _heard = [];

    /// <summary>This incarnation's name for its ring history (change stamps restart at zero with the engine).</summary>
    public ulong Epoch { get; } = epoch;

    /// <summary>The ring stamp at the last change of nicknames or removals.</summary>
    public ulong MetaStamp { get; private set; }

    public bool TryGetAcked(PeerName peer, out RingStamp acked) => _acked.TryGetValue(peer, out acked);

    /// <summary>How much of <paramref name="peer"/>'s history we hold, to tell it back.</summary>
    public RingStamp? HeardFrom(PeerName peer) => _heard.TryGetValue(peer, out var h) ? h : null;

    /// <summary>Nicknames or removals changed at <paramref name="stamp"/>: peers that acknowledged an earlier point must hear them.</summary>
    public void MetaChanged(ulong stamp) => MetaStamp = stamp;

    /// <summary>
    /// What <paramref name="from"/> says it holds of our ring decides what we send it next. Only a point
    /// of this incarnation's history that exists (at or below <paramref name="ourStamp"/>) counts;
    /// anything else gets the whole ring.
    /// </summary>
    public void TakeAcknowledgement(PeerName from, RingStamp? heard, ulong ourStamp)
    {
        if (heard is { } h && h.Epoch == Epoch && h.Stamp <= ourStamp)
            _acked[from] = h;
        else
            _acked.Remove(from);
    }

    /// <summary>A new connection may be to a new incarnation: it gets the whole ring until it acknowledges.</summary>
    public void ForgetAcknowledgement(PeerName peer) => _acked.Remove(peer);

    /// <summary>Whether the ring in <paramref name="gossip"/> can be merged: whole, or a delta over a point we hold.</summary>
    public bool HoldsBaseOf(PeerName from, Gossip gossip, RingData ring) =>
        !ring.IsDelta
        || (gossip.RingAt is { } at && _heard.TryGetValue(from, out var heard)
            && heard.Epoch == at.Epoch && gossip.DeltaBase <= heard.Stamp);

    /// <summary>After a merge without refusal: we now hold the sender's ring up to the point the message brought.</summary>
    public void RecordHeard(PeerName from, Gossip gossip)
    {
        if (gossip.RingAt is not { } at)
            return;
        if (_heard.TryGetValue(from, out var heard) && heard.Epoch == at.Epoch && heard.Stamp >= at.Stamp)
            return;
        _heard[from] = at;
    }
}
