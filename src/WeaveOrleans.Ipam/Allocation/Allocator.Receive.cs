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
        if (!_peers.Connected(peer))
            return;
        _ledger.ForgetAcknowledgement(peer);
        SendGossip(peer);
        RetryPending(now, tick: false);
    }

    public void PeerDisconnected(PeerName peer)
    {
        _peers.Disconnected(peer);
        _ledger.ForgetAcknowledgement(peer);
        FailClaimsOwnedBy(peer);
    }

    private void OnGossip(PeerName from, Gossip gossip, TimeSpan now)
    {
        _ledger.TakeAcknowledgement(from, gossip.Heard, Ring.ChangeStamp);
        var metaChanged = _peers.Learn(gossip.Nicknames);
        // A removed peer that is back gets nothing from us and gives nothing: our broadcasts carry the
        // removed list, which is how it learns. A peer that knows it was removed stays silent. (A peer
        // leaving with reset announces its own departure in the same message as its hand-over, which
        // is therefore still taken.)
        var fromRemovedPeer = _removals.IsRemoved(from);
        _heardFromPeers = true;
        var learntRemovals = MergeRemovals(gossip.Removed);
        metaChanged |= learntRemovals.Count > 0;
        if (metaChanged)
            MetaChanged();
        if (_removals.IsRemoved(Self) && !RemovedFromNetwork && !_shuttingDown)
            BecomeRemoved($"peer {NameOf(from)} says this peer was removed with rmpeer");
        if (fromRemovedPeer || RemovedFromNetwork)
            return;
        if (gossip.Ring is { } ring && (ring.IsDelta || !ring.IsEmpty))
        {
            var answered = OnRing(from, gossip, ring, now);
            if (gossip.RingRequest && !answered && !Ring.IsEmpty)
            {
                SendGossip(from);
                answered = true;
            }
            ConfirmRemovals(learntRemovals, answered ? from : null);
        }
        else if (gossip.Paxos is { } paxos)
            OnPaxos(from, paxos, now);
        else if (gossip.RingRequest)
        {
            if (!Ring.IsEmpty)
                SendGossip(from);
            else
                EstablishRing(now);
        }
    }

    /// <returns>Whether the sender has been sent our gossip already.</returns>
    private bool OnRing(PeerName from, Gossip gossip, RingData ring, TimeSpan now)
    {
        if (!_ledger.HoldsBaseOf(from, gossip, ring))
        {
            // We lack what the delta builds on (we restarted, or a message was lost): our gossip tells
            // the sender how much we hold, and the request makes it answer from there. A share of the
            // relay tree it carried is owed until we hold the change, or the peers after us miss it.
            _relayOwed = gossip.RelayUntil ?? _relayOwed;
            SendGossip(from, ringRequest: true);
            return true;
        }
        var wasEmpty = Ring.IsEmpty;
        var result = Ownership.Merge(ring);
        if (result.Error is null)
            _ledger.RecordHeard(from, gossip);
        // A ring merged without refusal (whole, or a delta over what we held) is the sender's
        // confirmation for held-back ranges.
        if (result.Error is null && Confirmed(from) && !result.Updated)
            RetryPending(now, tick: false);
        if (result.Error is { } error)
        {
            RejectedMerges++;
            LastMergeError = error;
            Log(LogLevel.Error, $"Refused the ring from {NameOf(from)}: {error.Message}");
            if (error.Kind == RingMergeErrorKind.TakenOver)
                BecomeRemoved($"{NameOf(from)} holds a newer owner for a range this peer uses");
            return false;
        }
        if (result.Updated)
        {
            if (wasEmpty)
            {
                _bootstrap.Finish();
                Log(LogLevel.Info, $"Received the IP allocation ring from {NameOf(from)}");
            }
            // A retake, or joining our adjacent tokens, is a change of our own: it goes round the whole tree.
            if (RetakeRemovedPeers() | result.Joined)
                SpreadChange();
        }
        RelayShare(gossip.RelayUntil);
        if (result.Updated)
            RetryPending(now, tick: false);
        return false;
    }

    /// <summary>
    /// Relays our share of the relay tree, if the message gave us one (the sender is never in it), or
    /// one we owe. Also when the message brought nothing new: the change may have reached us first by
    /// a way without a share (an answer to a late consensus message, periodic gossip), and the peers
    /// in our share count on us. Not twice for the same ring, so a duplicate costs nothing. A change
    /// that came without any share is carried on by our periodic gossip.
    /// </summary>
    private void RelayShare(PeerName? given)
    {
        if ((given ?? _relayOwed) is not { } until || Ring.ChangeStamp == _relayedStamp)
            return;
        _relayOwed = null;
        _relayedStamp = Ring.ChangeStamp;
        if (!Fire(FaultPoint.SkipRelay))
            Relay(until);
    }

    /// <summary>
    /// A peer that removed another holds the taken-over ranges back until every other peer has told
    /// it a ring it could merge (see <see cref="TakeOverHeld"/>). The relay tree sends nothing back up,
    /// so a peer that has just learnt a removal tells the remover its ring at once (one message per
    /// peer per rmpeer), instead of leaving it to wait for a periodic round.
    /// </summary>
    private void ConfirmRemovals(IReadOnlyList<(PeerName Victim, PeerName Previous)> learnt, PeerName? alreadyAnswered)
    {
        if (learnt.Count == 0 || Ring.IsEmpty)
            return;
        foreach (var remover in learnt.Select(l => _removals.All[l.Victim]).Distinct().Order())
            if (remover != Self && remover != alreadyAnswered && _peers.Reachable.Contains(remover) && !_removals.IsRemoved(remover))
                SendGossip(remover);
    }

    /// <summary>The ring's change stamp when this peer last relayed or spread it.</summary>
    private ulong _relayedStamp;

    /// <summary>A share of the relay tree that came on a delta we could not merge yet (see <see cref="OnRing"/>).</summary>
    private PeerName? _relayOwed;

    private void OnSpaceRequest(PeerName from, AddressRange range)
    {
        if (Ring.IsEmpty || RemovedFromNetwork || _shuttingDown || _removals.IsRemoved(from))
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
            SpreadChange();
            return;
        }
        SendGossip(from);
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
        foreach (var claim in _pending.Claims.ToList())
        {
            var addr = claim.Address.Address;
            if (range.Contains(addr) && !Ring.IsEmpty && Ring.Owner(addr) == from)
            {
                _pending.Remove(claim);
                Finish(claim, new Outcome.Failed($"address {claim.Address} is owned by other peer {NameOf(from)}, which refused to hand it over: it is in use there"));
            }
        }
        foreach (var op in _pending.Allocates.ToList())
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
