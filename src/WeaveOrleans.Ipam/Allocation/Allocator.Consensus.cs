using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>Waits until a ring exists (<c>weave prime</c>).</summary>
    public void Prime(long requestId, TimeSpan now)
    {
        if (RefusedWhileStopped(requestId))
            return;
        var op = new PendingPrime(requestId);
        if (!TryPrime(op))
        {
            _pending.Add(op);
            EstablishRing(now);
        }
    }

    internal bool TryPrime(PendingPrime op)
    {
        if (Ring.IsEmpty)
            return false;
        Complete(op.RequestId, new Outcome.Ok());
        return true;
    }

    /// <summary>
    /// Called whenever the ring is needed: an elector starts agreement (once; ticks re-propose), an
    /// observer asks the others for their ring. An elector that finds a ballot under way (it promised
    /// one, perhaps before a restart) sends nothing: its promise went to that ballot's proposer.
    /// </summary>
    private void EstablishRing(TimeSpan now)
    {
        if (!Ring.IsEmpty || _shuttingDown)
            return;
        if (_bootstrap.TryStartProposing())
        {
            BroadcastGossip();
            CheckConsensus(now);
        }
        else if (_bootstrap.TryRequestRing())
            BroadcastGossip(ringRequest: true);
    }

    private void OnPaxos(PeerName from, PaxosState state, TimeSpan now)
    {
        if (!Ring.IsEmpty)
        {
            // It is still agreeing on a ring that already exists: give it ours. Unless it is a late
            // answer to our own ballot: we announced the ring to everyone when we decided, so it has
            // it or will (and periodic gossip carries it there if the announcement was lost).
            if (state.ClaimsOf(from).Promise.Proposer != Self)
                SendGossip(from);
            return;
        }
        if (!_bootstrap.HasParticipant)
            return;
        var before = _bootstrap.State;
        var ours = _bootstrap.Update(state);
        if (_bootstrap.ElectorState is not null)
        {
            if (RelaysConsensus && !ReferenceEquals(before, _bootstrap.State))
                RelayPaxos(from, ours);
            else if (ours)
                AnswerPaxos();
        }
        CheckConsensus(now);
    }

    /// <summary>
    /// Whether this elector passes on what it learns of the agreement, not only its own claims: when it
    /// reaches fewer than quorum − 1 peers directly, as at a connection limit (<c>--conn-limit</c>).
    /// A proposer that reaches quorum − 1 electors hears a quorum's answers directly and needs no
    /// relay; one that reaches fewer gets its ballot out and its answers back only if the peers
    /// between pass them on, and a peer that itself reaches fewer than that is in such a network.
    /// In a full mesh nobody relays, so the messages of agreement there are as before.
    /// </summary>
    private bool RelaysConsensus => _bootstrap.Progress is { Quorum: var quorum } && _peers.Reachable.Count < quorum - 1;

    /// <summary>
    /// Passes the agreement on after learning something from <paramref name="from"/>: to at most
    /// <see cref="PeriodicFanout"/> connected peers, the next ones round the circle after this one (all
    /// of them at a connection limit below that). A fixed choice: every peer's next ones round the
    /// circle chain every peer to all the others, so the news floods each connected part, at most
    /// <see cref="PeriodicFanout"/> messages per peer per thing learnt, however many peers a partition
    /// leaves. The sender has it already, unless our own claims changed (our answer to its ballot);
    /// the proposer we answer hears it in any case when it is connected.
    /// </summary>
    private void RelayPaxos(PeerName from, bool oursChanged)
    {
        ulong After(PeerName p) => unchecked(p.Value - Self.Value - 1);
        var targets = _peers.Reachable.Where(p => oursChanged || p != from).OrderBy(After).Take(PeriodicFanout).ToList();
        if (oursChanged && _bootstrap.AnsweringTo is { } proposer && proposer != Self && _peers.Reachable.Contains(proposer) && !targets.Contains(proposer))
            targets.Add(proposer);
        var parts = new GossipParts(this);
        foreach (var peer in targets)
            Send(peer, GossipFor(peer, ringRequest: false, parts));
    }

    /// <summary>
    /// Our claims changed. A proposer's (its ballot, its acceptance) go to every elector; an acceptor's
    /// promise or acceptance goes to the proposer of the ballot it answers alone, as in Paxos: nobody
    /// else acts on it. If that proposer is not connected, everyone hears it, as a relay may be.
    /// </summary>
    private void AnswerPaxos()
    {
        if (_bootstrap.AnsweringTo is { } proposer && proposer != Self && _peers.Reachable.Contains(proposer))
            SendGossip(proposer);
        else
            BroadcastGossip();
    }

    private void CheckConsensus(TimeSpan now)
    {
        if (Ring.IsEmpty && _bootstrap.TryGetAgreement(out var value))
        {
            CreateRing(value.Peers, announce: true);
            RetryPending(now, tick: false);
        }
    }

    private void CreateRing(IReadOnlyCollection<PeerName> peers, bool announce)
    {
        Ownership.CreateRing(peers);
        _bootstrap.Finish();
        Log(LogLevel.Info, $"Created the IP allocation ring from peers [{string.Join(", ", peers.Order())}]");
        // Announced once, down the relay tree: nobody but its originator sends the new ring on whole.
        if (announce)
            SpreadChange();
    }
}
