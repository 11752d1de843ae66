using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>A message from peer <paramref name="from"/>.</summary>
    public void Receive(PeerName from, PeerMessage message, TimeSpan now)
    {
        if (from == Self)
            return;
        switch (message)
        {
            case Gossip gossip:
                OnGossip(from, gossip, now);
                break;
            case SpaceRequest request:
                OnSpaceRequest(from, request.Range);
                break;
            case SpaceRequestDenied denied:
                OnSpaceRequestDenied(from, denied.Range, now);
                break;
        }
    }

    /// <summary>The transport connected to <paramref name="peer"/>: tell it what we know, and perhaps it has space.</summary>
    public void PeerConnected(PeerName peer, TimeSpan now)
    {
        if (peer == Self || !_reachable.Add(peer))
            return;
        Send(peer, CurrentGossip());
        RetryPending(now, tick: false);
    }

    public void PeerDisconnected(PeerName peer) => _reachable.Remove(peer);

    private void OnGossip(PeerName from, Gossip gossip, TimeSpan now)
    {
        foreach (var (peer, nick) in gossip.Nicknames)
            if (peer != Self && _nicknames.GetValueOrDefault(peer) != nick)
            {
                _nicknames[peer] = nick;
                _effects.SnapshotChanged = true;
            }
        // A removed peer that is back gets nothing from us and gives nothing: our broadcasts carry the
        // removed list, which is how it learns. A peer that knows it was removed stays silent. (A peer
        // leaving with reset announces its own departure in the same message as its hand-over, which
        // is therefore still taken.)
        var fromRemovedPeer = _removed.ContainsKey(from);
        _heardFromPeers = true;
        MergeRemovals(gossip.Removed);
        if (_removed.ContainsKey(Self) && !RemovedFromNetwork && !_shuttingDown)
            BecomeRemoved($"peer {NameOf(from)} says this peer was removed with rmpeer");
        if (fromRemovedPeer || RemovedFromNetwork)
            return;
        if (gossip.Ring is { IsEmpty: false } ring)
            OnRing(from, ring, now);
        else if (gossip.Paxos is { } paxos)
            OnPaxos(from, paxos, now);
        else if (gossip.RingRequest)
        {
            if (!Ring.IsEmpty)
                Send(from, CurrentGossip());
            else
                EstablishRing(now);
        }
    }

    private void OnRing(PeerName from, RingData ring, TimeSpan now)
    {
        var wasEmpty = Ring.IsEmpty;
        var result = Ownership.Merge(ring);
        // A whole ring merged without refusal is the sender's confirmation for held-back ranges.
        if (result.Error is null && !ring.IsDelta && Confirmed(from) && !result.Updated)
            RetryPending(now, tick: false);
        if (result.Error is { } error)
        {
            RejectedMerges++;
            LastMergeError = error;
            Log(LogLevel.Error, $"Refused the ring from {NameOf(from)}: {error.Message}");
            if (error.Kind == RingMergeErrorKind.TakenOver)
                BecomeRemoved($"{NameOf(from)} holds a newer owner for a range this peer uses");
            return;
        }
        if (!result.Updated)
            return;
        _effects.SnapshotChanged = true;
        if (wasEmpty)
        {
            _paxos = null;
            _awaitingConsensus = false;
            Log(LogLevel.Info, $"Received the IP allocation ring from {NameOf(from)}");
        }
        RetakeRemovedPeers();
        // Relay: peers that are not connected to the sender hear it from us.
        if (!Fire(FaultPoint.SkipRelay))
            Broadcast(CurrentGossip());
        RetryPending(now, tick: false);
    }

    private void OnSpaceRequest(PeerName from, AddressRange range)
    {
        if (Ring.IsEmpty || RemovedFromNetwork || _shuttingDown || _removed.ContainsKey(from))
            return;
        var within = range.Intersect(Universe);
        if (Fire(FaultPoint.DonateOneAddress) && !within.IsEmpty && Ownership.Space.TryAllocate(UsablePart(within), out var single))
        {
            // Shrink the request to one free usable address and donate exactly that.
            Ownership.Space.Free(single);
            within = new AddressRange(single, single + 1);
        }
        if (!within.IsEmpty && !Fire(FaultPoint.DenyDonation)
            && Ownership.Space.FreeIn(UsablePart(within)) > UInt128.Zero && Ownership.TryDonate(within, from, out var donated))
        {
            Log(LogLevel.Debug, $"Donated {donated} to {NameOf(from)}");
            _effects.SnapshotChanged = true;
            Broadcast(CurrentGossip());
            return;
        }
        Send(from, CurrentGossip());
        Send(from, new SpaceRequestDenied(range));
    }

    /// <summary>
    /// A request for a whole subnet is only worth answering with space the asker can use: not its
    /// network or broadcast address.
    /// </summary>
    private static AddressRange UsablePart(AddressRange range) =>
        range.Size < Cidr.MinSubnetSize ? range : new AddressRange(range.Start + 1, range.End - 1);

    private void OnSpaceRequestDenied(PeerName from, AddressRange range, TimeSpan now)
    {
        foreach (var claim in PendingClaims.ToList())
        {
            var addr = claim.Address.Address;
            if (range.Contains(addr) && !Ring.IsEmpty && Ring.Owner(addr) == from)
            {
                _pending.Remove(claim);
                Finish(claim, new Outcome.Failed($"address {claim.Address} is owned by other peer {NameOf(from)}, which refused to hand it over: it is in use there"));
            }
        }
        foreach (var op in PendingAllocates.ToList())
        {
            if (op.AskedPeer != from)
                continue;
            op.DeniedBy.Add(from);
            op.AskedPeer = null;
            if (TryAllocate(op, now, tick: false))
                _pending.Remove(op);
        }
    }
}
