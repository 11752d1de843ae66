using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Consensus;

/// <summary>
/// One peer's side of the single-decree agreement on who splits the address range. The driver feeds
/// it received gossip (<see cref="Update"/>, then <see cref="Think"/>), persists <see cref="State"/>
/// and gossips it whenever either returns true.
/// </summary>
/// <remarks>
/// Drivers must persist <see cref="State"/> before sending it AND before acting on
/// <see cref="TryGetConsensus"/>: a consensus seen only thanks to an unpersisted acceptance of our
/// own would vanish with a crash, and a different value could then be chosen.
/// </remarks>
public abstract class Participant
{
    private protected Participant(PeerName self, int quorum, PaxosState state)
    {
        if (quorum < 1)
            throw new ArgumentOutOfRangeException(nameof(quorum), quorum, "a quorum needs at least one peer");
        Self = self;
        Quorum = quorum;
        State = state;
    }

    public PeerName Self { get; }

    public int Quorum { get; }

    /// <summary>What to gossip and to persist.</summary>
    public PaxosState State { get; private protected set; }

    public IReadOnlyCollection<PeerName> KnownNodes => [.. State.Nodes];

    /// <summary>This peer's own promise and acceptance; empty for an observer.</summary>
    public abstract NodeClaims OwnClaims { get; }

    /// <summary>Joins received gossip into what we know. True if we learned anything.</summary>
    public bool Update(PaxosState incoming)
    {
        var merged = State.Merge(incoming);
        if (ReferenceEquals(merged, State))
            return false;
        State = merged;
        return true;
    }

    /// <summary>Starts a new ballot that outbids every one known. False if this participant cannot propose.</summary>
    public abstract bool Propose();

    /// <summary>Acts on what is known: promise, accept or follow. True if our own claims changed.</summary>
    public abstract bool Think();

    /// <summary>
    /// True when a quorum of distinct peers is known to have accepted one value under one ballot,
    /// which in Paxos means that value is chosen for good. Counting the same value across different
    /// ballots would be unsound: a value can be accepted by a majority spread over ballots and
    /// still lose to a value carried by a later, higher ballot.
    /// </summary>
    /// <remarks>
    /// Once true it never reports a different value, but it can turn false for a while if acceptors
    /// move on to a later ballot (which carries the same value); act on the first true.
    /// </remarks>
    public bool TryGetConsensus(out AcceptedValue value)
    {
        value = null!;
        var best = ProposalId.None;
        var claims = State.Select(kv => kv.Value).Where(c => c.HasAccepted).ToArray();
        // Backers counted once for all (counting them per candidate was O(electors²) per look).
        var backers = new Dictionary<(ProposalId, AcceptedValue), int>();
        foreach (var c in claims)
            backers[(c.AcceptedId, c.Accepted!)] = backers.GetValueOrDefault((c.AcceptedId, c.Accepted!)) + 1;
        foreach (var candidate in claims)
        {
            // Two chosen values would break Paxos itself; should it ever happen, prefer the later ballot rather than guess.
            if (candidate.AcceptedId <= best)
                continue;
            if (backers[(candidate.AcceptedId, candidate.Accepted!)] >= Quorum)
            {
                best = candidate.AcceptedId;
                value = candidate.Accepted!;
            }
        }
        return !best.IsNone;
    }
}
