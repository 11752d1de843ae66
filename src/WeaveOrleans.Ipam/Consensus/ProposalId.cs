using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Consensus;

/// <summary>
/// A Paxos ballot. Round 0 means "none" so that an empty claim sorts below every real ballot;
/// the proposer's name breaks ties so two peers proposing in the same round never share a ballot.
/// </summary>
public readonly record struct ProposalId(ulong Round, PeerName Proposer) : IComparable<ProposalId>
{
    public static readonly ProposalId None = default;

    public bool IsNone => Round == 0;

    public int CompareTo(ProposalId other)
    {
        var byRound = Round.CompareTo(other.Round);
        return byRound != 0 ? byRound : Proposer.CompareTo(other.Proposer);
    }

    public static bool operator <(ProposalId a, ProposalId b) => a.CompareTo(b) < 0;
    public static bool operator >(ProposalId a, ProposalId b) => a.CompareTo(b) > 0;
    public static bool operator <=(ProposalId a, ProposalId b) => a.CompareTo(b) <= 0;
    public static bool operator >=(ProposalId a, ProposalId b) => a.CompareTo(b) >= 0;

    public static ProposalId Max(ProposalId a, ProposalId b) => a >= b ? a : b;

    public override string ToString() => IsNone ? "none" : $"{Round}@{Proposer}";
}
