using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// How a peer without a ring gets one: an elector takes part in agreement on the peers to seed it
/// with, an observer asks the others for theirs. The consensus state is persisted (a peer that
/// restarts mid-agreement must keep every promise it made), one record per elector: every change
/// names the electors it touched. Once the ring exists there is nothing left to do.
/// </summary>
internal sealed class RingBootstrap
{
    private Participant? _paxos;
    private readonly ReproposeTimer _repropose = new();
    private bool _ringRequested;

    /// <summary>Electors whose claims (or whose being known) changed since the last <see cref="TakeTouched"/>.</summary>
    private HashSet<PeerName> _touched = [];

    /// <summary>The consensus state as a whole came or went since the last <see cref="TakeTouched"/>.</summary>
    private bool _touchedAll;

    /// <summary>
    /// No claim changed since agreement was last looked for and not found, so it is not there now:
    /// looking costs O(electors), and every hello of a thousand peers would look again.
    /// </summary>
    private bool _noAgreementYet;

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
        OwnClaimsChanged();
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
        OwnClaimsChanged();
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
        var before = _paxos.State;
        if (!_paxos.Update(incoming))
            return false;
        _repropose.Heard();
        var claimsLearnt = false;
        foreach (var (node, _) in incoming)
        {
            var now = _paxos.State.ClaimsOf(node);
            if (before.Contains(node) && ReferenceEquals(before.ClaimsOf(node), now))
                continue;
            _touched.Add(node);
            claimsLearnt |= !now.Equals(NodeClaims.None);
        }
        // An elector that is only newly known, with no claims yet, changes nothing Think looks at (no
        // promise to follow, no acceptance to count); the value it proposes takes in every known node
        // when it is picked. So thinking is skipped: it is O(electors), and connecting N peers teaches
        // each of them N - 1 claimless electors.
        if (!claimsLearnt)
            return false;
        _noAgreementYet = false;
        if (!_paxos.Think())
            return false;
        OwnClaimsChanged();
        return true;
    }

    private void OwnClaimsChanged()
    {
        _touched.Add(_paxos!.Self);
        _noAgreementYet = false;
    }

    /// <remarks>
    /// Only electors act on agreement: an observer does not know the quorum (it was launched without a
    /// peer count), so it waits for a peer to send it the ring.
    /// </remarks>
    public bool TryGetAgreement(out AcceptedValue value)
    {
        value = default!;
        if (_paxos is not Elector elector || _noAgreementYet)
            return false;
        _noAgreementYet = !elector.TryGetConsensus(out value);
        return !_noAgreementYet;
    }

    /// <summary>The ring exists: the consensus state is no longer needed.</summary>
    public void Finish()
    {
        _paxos = null;
        AwaitingConsensus = false;
        _touched.Clear();
        _touchedAll = true;
    }

    public bool HasParticipant => _paxos is not null;

    /// <summary>
    /// What of the consensus state changed since the last call: all of it (it came or went), or the
    /// electors named. A state restored from storage is durable already, so starts with nothing.
    /// </summary>
    public (bool All, IReadOnlyCollection<PeerName> Nodes) TakeTouched()
    {
        var touched = (_touchedAll, (IReadOnlyCollection<PeerName>)(_touched.Count == 0 ? [] : _touched));
        if (_touched.Count > 0)
            _touched = [];
        _touchedAll = false;
        return touched;
    }

    /// <summary>Whether the consensus state changed since the last call.</summary>
    public bool TakeDirty() => TakeTouched() is var (all, nodes) && (all || nodes.Count > 0);
}
