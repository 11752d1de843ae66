using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    private bool _ringRequested;

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
    /// observer asks the others for their ring.
    /// </summary>
    private void EstablishRing(TimeSpan now)
    {
        if (!Ring.IsEmpty || _shuttingDown)
            return;
        switch (_paxos)
        {
            case Elector elector when !_awaitingConsensus:
                _awaitingConsensus = true;
                elector.Propose();
                _effects.SnapshotChanged = true;
                BroadcastGossip();
                CheckConsensus(now);
                break;
            case Observer when !_ringRequested:
                _ringRequested = true;
                BroadcastGossip(ringRequest: true);
                break;
        }
    }

    private void OnPaxos(PeerName from, PaxosState state, TimeSpan now)
    {
        if (!Ring.IsEmpty)
        {
            // It is still agreeing on a ring that already exists: give it ours.
            SendGossip(from);
            return;
        }
        if (_paxos is null)
            return;
        var changed = _paxos.Update(state);
        changed |= _paxos.Think();
        if (changed)
        {
            _effects.SnapshotChanged = true;
            if (_paxos is Elector)
                BroadcastGossip();
        }
        CheckConsensus(now);
    }

    /// <remarks>
    /// Only electors act on agreement: an observer does not know the quorum (it was launched without a
    /// peer count), so it waits for a peer to send it the ring.
    /// </remarks>
    private void CheckConsensus(TimeSpan now)
    {
        if (_paxos is Elector && Ring.IsEmpty && _paxos.TryGetConsensus(out var value))
        {
            CreateRing(value.Peers, announce: true);
            RetryPending(now, tick: false);
        }
    }

    private void CreateRing(IReadOnlyCollection<PeerName> peers, bool announce)
    {
        Ownership.CreateRing(peers);
        _paxos = null;
        _awaitingConsensus = false;
        _effects.SnapshotChanged = true;
        Log(LogLevel.Info, $"Created the IP allocation ring from peers [{string.Join(", ", peers.Order())}]");
        if (announce)
            BroadcastGossip();
    }
}
