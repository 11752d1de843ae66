using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// What gossip carries to each peer. A peer that has acknowledged a point of our ring history gets only
/// what changed since then; any other gets the whole ring. The receiver merges a delta only when it
/// holds the point the delta builds on, and otherwise asks again: a delta merged over a gap would leave
/// it owning a range without the tokens that split it, which whole-ring gossip can never do.
/// </summary>
public sealed partial class Allocator
{
    /// <summary>This incarnation's name for its ring history (change stamps restart at zero with the engine).</summary>
    private readonly ulong _epoch;

    /// <summary>Per peer: the point of our ring history it last said it holds.</summary>
    private readonly Dictionary<PeerName, RingStamp> _acked = [];

    /// <summary>Per peer: the point of its ring history we hold, told back to it with our gossip.</summary>
    private readonly Dictionary<PeerName, RingStamp> _heard = [];

    /// <summary>The ring stamp at the last change of nicknames or removals.</summary>
    private ulong _metaStamp;

    /// <summary>Gossip to every connected peer, each getting what it lacks.</summary>
    private void BroadcastGossip(bool ringRequest = false)
    {
        foreach (var peer in _reachable.Order())
            Send(peer, GossipFor(peer, ringRequest));
    }

    private void SendGossip(PeerName to, bool ringRequest = false) => Send(to, GossipFor(to, ringRequest));

    /// <summary>
    /// This peer's gossip for <paramref name="to"/>: the ring once there is one (a delta when the peer
    /// has acknowledged a point of it), else the consensus state.
    /// </summary>
    /// <remarks>A peer that knows it was removed shares only the removed list: its ring is stale.</remarks>
    internal Gossip GossipFor(PeerName to, bool ringRequest = false)
    {
        var heard = _heard.TryGetValue(to, out var h) ? h : (RingStamp?)null;
        if (Ring.IsEmpty || RemovedFromNetwork)
            return new(_nicknames.ToImmutableDictionary(),
                Ring.IsEmpty && !RemovedFromNetwork && _paxos is Consensus.Elector ? _paxos.State : null,
                null, _removed.ToImmutableDictionary(), ringRequest, Heard: heard);

        var at = new RingStamp(_epoch, Ring.ChangeStamp);
        if (_acked.TryGetValue(to, out var acked) && acked.Epoch == _epoch && acked.Stamp <= Ring.ChangeStamp)
        {
            var metaChanged = _metaStamp > acked.Stamp;
            return new(metaChanged ? _nicknames.ToImmutableDictionary() : ImmutableDictionary<PeerName, string>.Empty,
                null, Ring.DeltaSince(acked.Stamp),
                metaChanged ? _removed.ToImmutableDictionary() : ImmutableDictionary<PeerName, PeerName>.Empty,
                ringRequest, at, acked.Stamp, heard);
        }
        return new(_nicknames.ToImmutableDictionary(), null, Ring.ToData(), _removed.ToImmutableDictionary(),
            ringRequest, at, Heard: heard);
    }

    /// <summary>Nicknames or removals changed: peers that acknowledged an earlier point must hear them.</summary>
    private void MetaChanged() => _metaStamp = Ring.Touch();

    /// <summary>What <paramref name="from"/> says it holds of our ring decides what we send it next.</summary>
    private void TakeAcknowledgement(PeerName from, RingStamp? heard)
    {
        if (heard is { } h && h.Epoch == _epoch)
            _acked[from] = h;
        else
            _acked.Remove(from);
    }

    /// <summary>Whether the ring in <paramref name="gossip"/> can be merged: whole, or a delta over a point we hold.</summary>
    private bool HoldsBaseOf(PeerName from, Gossip gossip, RingData ring) =>
        !ring.IsDelta
        || (gossip.RingAt is { } at && _heard.TryGetValue(from, out var heard)
            && heard.Epoch == at.Epoch && gossip.DeltaBase <= heard.Stamp);

    /// <summary>After a merge without refusal: we now hold the sender's ring up to the point the message brought.</summary>
    private void RecordHeard(PeerName from, Gossip gossip)
    {
        if (gossip.RingAt is not { } at)
            return;
        if (_heard.TryGetValue(from, out var heard) && heard.Epoch == at.Epoch && heard.Stamp >= at.Stamp)
            return;
        _heard[from] = at;
    }
}
