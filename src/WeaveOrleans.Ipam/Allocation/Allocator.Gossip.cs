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
        // Peers that acknowledged the same point (the usual case) share one delta.
        var parts = new GossipParts(this);
        foreach (var peer in _reachable.Order())
            Send(peer, GossipFor(peer, ringRequest, parts));
    }

    private void SendGossip(PeerName to, bool ringRequest = false) => Send(to, GossipFor(to, ringRequest, new GossipParts(this)));

    /// <summary>
    /// This peer's gossip for <paramref name="to"/>: the ring once there is one (a delta when the peer
    /// has acknowledged a point of it), else the consensus state.
    /// </summary>
    /// <remarks>A peer that knows it was removed shares only the removed list: its ring is stale.</remarks>
    private Gossip GossipFor(PeerName to, bool ringRequest, GossipParts parts)
    {
        var heard = _heard.TryGetValue(to, out var h) ? h : (RingStamp?)null;
        if (Ring.IsEmpty || RemovedFromNetwork)
            return new(parts.Nicknames, RemovedFromNetwork ? null : (_paxos as Consensus.Elector)?.State,
                null, parts.Removed, ringRequest, Heard: heard);

        var at = new RingStamp(_epoch, Ring.ChangeStamp);
        if (_acked.TryGetValue(to, out var acked))
        {
            var metaChanged = _metaStamp > acked.Stamp;
            return new(metaChanged ? parts.Nicknames : ImmutableDictionary<PeerName, string>.Empty,
                null, parts.DeltaSince(acked.Stamp),
                metaChanged ? parts.Removed : ImmutableDictionary<PeerName, PeerName>.Empty,
                ringRequest, at, acked.Stamp, heard);
        }
        return new(parts.Nicknames, null, parts.WholeRing, parts.Removed, ringRequest, at, Heard: heard);
    }

    /// <summary>What one round of gossip carries, built at most once however many peers it goes to.</summary>
    private sealed class GossipParts(Allocator allocator)
    {
        private readonly Dictionary<ulong, RingData> _deltas = [];

        public ImmutableDictionary<PeerName, string> Nicknames => field ??= allocator._nicknames.ToImmutableDictionary();

        public ImmutableDictionary<PeerName, PeerName> Removed => field ??= allocator._removed.ToImmutableDictionary();

        public RingData WholeRing => field ??= allocator.Ring.ToData();

        public RingData DeltaSince(ulong stamp)
        {
            if (!_deltas.TryGetValue(stamp, out var delta))
                _deltas[stamp] = delta = allocator.Ring.DeltaSince(stamp);
            return delta;
        }
    }

    /// <summary>Nicknames or removals changed: peers that acknowledged an earlier point must hear them.</summary>
    private void MetaChanged() => _metaStamp = Ring.Touch();

    /// <summary>
    /// What <paramref name="from"/> says it holds of our ring decides what we send it next. Only a point
    /// of this incarnation's history that exists counts; anything else gets the whole ring.
    /// </summary>
    private void TakeAcknowledgement(PeerName from, RingStamp? heard)
    {
        if (heard is { } h && h.Epoch == _epoch && h.Stamp <= Ring.ChangeStamp)
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
