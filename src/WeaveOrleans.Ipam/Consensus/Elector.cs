using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Consensus;

/// <summary>
/// A launch peer: acceptor and proposer at once. All of its memory is <see cref="Participant.State"/>,
/// so restoring that after a restart (<see cref="Restore"/>) makes the restart invisible to everyone
/// else; that is what lets us key votes by PeerName rather than by a per-process id.
/// </summary>
public sealed class Elector : Participant
{
    public Elector(PeerName self, int quorum)
        : this(self, quorum, PaxosState.Empty)
    {
    }

    private Elector(PeerName self, int quorum, PaxosState state)
        // Known from the start, so our name is in any value we pick and in what we gossip.
        : base(self, quorum, state.Contains(self) ? state : state.With(self, NodeClaims.None))
    {
    }

    /// <summary>Resumes from the state last persisted, keeping every promise and acceptance made before.</summary>
    public static Elector Restore(PeerName self, int quorum, PaxosState persisted) => new(self, quorum, persisted);

    public override NodeClaims OwnClaims => State.ClaimsOf(Self);

    /// <summary>
    /// We promised a ballot (another's, or our own from before a restart), so one is under way. A peer
    /// joining agreement then waits for it rather than proposing: outbidding it at once pre-empts a
    /// proposer that may be a message away from its quorum, and when drivers restart (after storage
    /// failures) faster than a ballot's answers come back, no proposer ever gets there. A ballot that
    /// has stalled is outbid by the next periodic re-proposal.
    /// </summary>
    public bool BallotUnderWay => !OwnClaims.Promise.IsNone;

    public override bool Propose()
    {
        var ballot = new ProposalId(State.HighestRound() + 1, Self);
        State = State.With(Self, OwnClaims with { Promise = ballot });
        Think();
        return true;
    }

    public override bool Think()
    {
        var before = OwnClaims;
        PromiseHighest();
        AcceptOwnProposalIfPromised();
        FollowProposer();
        return !OwnClaims.Equals(before);
    }

    // Promising the highest ballot seen is the gossip form of answering every "prepare" at once.
    private void PromiseHighest()
    {
        var highest = State.Aggregate(OwnClaims.Promise, (max, kv) => ProposalId.Max(max, kv.Value.Promise));
        if (highest > OwnClaims.Promise)
            State = State.With(Self, OwnClaims with { Promise = highest });
    }

    // Our proposal is only alive while it is also the highest promise we hold: anyone who has heard
    // of a higher one would refuse it, so pressing on would be wasted gossip.
    private void AcceptOwnProposalIfPromised()
    {
        var own = OwnClaims;
        if (own.Promise.Proposer != Self || own.Promise.IsNone || own.AcceptedId == own.Promise)
            return;

        var promisers = State.Select(kv => kv.Value).Where(c => c.Promise == own.Promise).ToList();
        if (promisers.Count < Quorum)
            return;

        // Paxos' rule: if any promiser already accepted something, the latest such value may be chosen
        // already and must be carried forward; only a clean slate lets us pick our own.
        var latest = promisers.Where(c => c.HasAccepted).MaxBy(c => c.AcceptedId);
        var value = latest?.Accepted ?? new AcceptedValue(State.Nodes, Self);
        State = State.With(Self, own with { AcceptedId = own.Promise, Accepted = value });
    }

    // Anyone holding an acceptance under the ballot we promised got it, directly or not, from its proposer.
    private void FollowProposer()
    {
        var own = OwnClaims;
        if (own.Promise.IsNone || own.AcceptedId == own.Promise)
            return;
        foreach (var (_, claims) in State)
        {
            if (claims.AcceptedId == own.Promise && claims.Accepted is not null)
            {
                State = State.With(Self, own with { AcceptedId = own.Promise, Accepted = claims.Accepted });
                return;
            }
        }
    }
}
