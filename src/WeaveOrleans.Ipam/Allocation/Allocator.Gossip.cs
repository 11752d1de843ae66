using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// What gossip carries to each peer: the <see cref="GossipLedger"/> says how much of our ring each
/// peer holds, and a peer that has acknowledged a point gets only what changed since then.
/// </summary>
public sealed partial class Allocator
{
    /// <summary>Gossip to every connected peer, each getting what it lacks.</summary>
    private void BroadcastGossip(bool ringRequest = false)
    {
        // Peers that acknowledged the same point (the usual case) share one delta.
        var parts = new GossipParts(this);
        foreach (var peer in _peers.Reachable.Order())
            Send(peer, GossipFor(peer, ringRequest, parts));
    }

    private void SendGossip(PeerName to, bool ringRequest = false) => Send(to, GossipFor(to, ringRequest, new GossipParts(this)));

    /// <summary>A change made here: down the relay tree from this peer, one message per connected peer.</summary>
    private void SpreadChange()
    {
        _relayedStamp = Ring.ChangeStamp;
        Relay(Self);
    }

    /// <summary>Hands the change on over the arc up to <paramref name="until"/> (see <see cref="RelayTree"/>).</summary>
    private void Relay(PeerName until)
    {
        var parts = new GossipParts(this);
        foreach (var (to, bound) in RelayTree.Children(Self, until, _peers.Reachable))
            Send(to, GossipFor(to, ringRequest: false, parts) with { RelayUntil = bound });
    }

    /// <summary>Peers one periodic round goes to, whatever the network's size.</summary>
    public const int PeriodicFanout = 8;

    /// <summary>
    /// Periodic gossip goes to <see cref="PeriodicFanout"/> peers: the next ones after this peer round
    /// the circle of connected peers, moving on each round, so each peer also hears from as many and
    /// every connected peer is visited every N/8 rounds. What changed spreads as an epidemic: each
    /// receiver's next rounds carry it on.
    /// </summary>
    private List<PeerName> PeriodicTargets()
    {
        var connected = _peers.Reachable;
        if (connected.Count <= PeriodicFanout)
            return [.. connected.Order()];
        ulong After(PeerName p) => unchecked(p.Value - Self.Value - 1);
        var circle = connected.OrderBy(After).ToList();
        var start = _periodicRound++ * PeriodicFanout % circle.Count;
        return [.. Enumerable.Range(0, PeriodicFanout).Select(i => circle[(start + i) % circle.Count])];
    }

    private int _periodicRound;

    /// <summary>
    /// This peer's gossip for <paramref name="to"/>: the ring once there is one (a delta when the peer
    /// has acknowledged a point of it), else the consensus state.
    /// </summary>
    /// <remarks>A peer that knows it was removed shares only the removed list: its ring is stale.</remarks>
    private Gossip GossipFor(PeerName to, bool ringRequest, GossipParts parts)
    {
        var heard = _ledger.HeardFrom(to);
        if (Ring.IsEmpty || RemovedFromNetwork)
            return new(parts.Nicknames, RemovedFromNetwork ? null : _bootstrap.ElectorState,
                null, parts.Removed, ringRequest, Heard: heard);

        var at = new RingStamp(_ledger.Epoch, Ring.ChangeStamp);
        if (_ledger.TryGetAcked(to, out var acked))
        {
            var metaChanged = _ledger.MetaStamp > acked.Stamp;
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

        public ImmutableDictionary<PeerName, string> Nicknames => field ??= allocator._peers.ToImmutable();

        public ImmutableDictionary<PeerName, PeerName> Removed => field ??= allocator._removals.ToImmutable();

        public RingData WholeRing => field ??= allocator.Ring.ToData();

        public RingData DeltaSince(ulong stamp)
        {
            if (!_deltas.TryGetValue(stamp, out var delta))
                _deltas[stamp] = delta = allocator.Ring.DeltaSince(stamp);
            return delta;
        }
    }

    /// <summary>Nicknames or removals changed: peers that acknowledged an earlier point must hear them.</summary>
    private void MetaChanged() => _ledger.MetaChanged(Ownership.Touch());
}
