using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// How a peer without a ring gets one: an elector takes part in agreement on the peers to seed it
/// with, an observer asks the others for theirs. The consensus state is persisted (a peer that
/// restarts mid-agreement must keep every promise it made); every change to it marks this dirty.
/// Once the ring exists there is nothing left to do.
/// </summary>
internal sealed class RingBootstrap
{
    private Participant? _paxos;
    private readonly ReproposeTimer _repropose = new();
    private bool _ringRequested;
    private bool _dirty;

    private RingBootstrap()
    {
    }

    /// <summary>Nothing to do: the ring exists, or comes from seeds.</summary>
    public static RingBootstrap Finished() => new();

    /// <summary>An elector or observer for <paramref name="init"/>, from persisted state when given; none for a seed.</summary>
    public RingBootstrap(PeerName self, InitMode init, PaxosState? persisted = null)
    {
        _paxos = init switch
        {
            InitMode.ByConsensus c => persisted is null ? new Elector(self, c.Quorum) : Elector.Restore(self, c.Quorum, persisted),
            InitMode.AsObserver => persisted is null ? new Observer(self, 1) : Observer.Restore(self, 1, persisted),
            _ => null,
        };
    }

    /// <summary>An elector has proposed and waits for agreement.</summary>
    public bool AwaitingConsensus { get; private set; }

    public bool IsObserver => _paxos is Observer;

    public PaxosState? State => _paxos?.State;

    /// <summary>What gossip carries while there is no ring: only an elector's state.</summary>
    public PaxosState? ElectorState => (_paxos as Elector)?.State;

    /// <summary>The proposer of the ballot this elector last promised; null for an observer or before any promise.</summary>
    public PeerName? AnsweringTo =>
        _paxos is Elector { OwnClaims.Promise: { IsNone: false } promise } ? promise.Proposer : null;

    public (bool Elector, int KnownNodes, int Quorum)? Progress =>
        _paxos is null ? null : (_paxos is Elector, _paxos.KnownNodes.Count, _paxos.Quorum);

    /// <summary>
    /// An elector that is not waiting for agreement yet starts to (once; <see cref="Repropose"/> goes on),
    /// and proposes unless a ballot is under way already (<see cref="Elector.BallotUnderWay"/>).
    /// </summary>
    /// <returns>Whether it proposed: only a new ballot is news for the other electors.</returns>
    public bool TryStartProposing()
    {
        if (_paxos is not Elector elector || AwaitingConsensus)
            return false;
        AwaitingConsensus = true;
        if (elector.BallotUnderWay)
            return false;
        elector.Propose();
        _dirty = true;
        return true;
    }

    /// <summary>A tick: an elector waiting for agreement proposes again when <see cref="ReproposeTimer"/> says it is time.</summary>
    public bool Repropose()
    {
        if (!AwaitingConsensus || _paxos is not Elector elector)
            return false;
        var promise = elector.OwnClaims.Promise;
        if (!_repropose.Tick(followingAnother: !promise.IsNone && promise.Proposer != elector.Self))
            return false;
        elector.Propose();
        _dirty = true;
        return true;
    }

    /// <summary>An observer asks for the ring once until <see cref="AllowRingRequest"/>.</summary>
    public bool TryRequestRing()
    {
        if (_paxos is not Observer || _ringRequested)
            return false;
        _ringRequested = true;
        return true;
    }

    public void AllowRingRequest() => _ringRequested = false;

    /// <summary>Takes a peer's consensus state and thinks about it.</summary>
    /// <returns>
    /// Whether our own claims changed: only then does an elector tell the others. Claims it merely learnt
    /// the others hear from their owners (and from every tick's re-proposal), so relaying them made each
    /// update cost N² messages. False when the ring exists already.
    /// </returns>
    public bool Update(PaxosState incoming)
    {
        if (_paxos is null)
            return false;
        var learnt = _paxos.Update(incoming);
        if (learnt)
            _repropose.Heard();
        var ours = learnt && _paxos.Think();
        _dirty |= learnt;
        return ours;
    }

    /// <remarks>
    /// Only electors act on agreement: an observer does not know the quorum (it was launched without a
    /// peer count), so it waits for a peer to send it the ring.
    /// </remarks>
    public bool TryGetAgreement(out AcceptedValue value)
    {
        value = default!;
        return _paxos is Elector elector && elector.TryGetConsensus(out value);
    }

    /// <summary>The ring exists: the consensus state is no longer needed.</summary>
    public void Finish()
    {
        _paxos = null;
        AwaitingConsensus = false;
        _dirty = true;
    }

    public bool HasParticipant => _paxos is not null;

    /// <summary>Whether the consensus state changed since the last call.</summary>
    public bool TakeDirty()
    {
        var dirty = _dirty;
        _dirty = false;
        return dirty;
    }
}
