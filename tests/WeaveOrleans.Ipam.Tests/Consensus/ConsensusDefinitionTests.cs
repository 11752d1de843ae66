using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Consensus;

public class ConsensusDefinitionTests
{
    private static readonly AcceptedValue V = new([A, B, C], A);
    private static readonly AcceptedValue W = new([A, B, C], B);

    private static Observer Knowing(params (PeerName Node, NodeClaims Claims)[] entries) =>
        Observer.Restore(D, quorum: 2, PaxosState.From(entries.Select(e => KeyValuePair.Create(e.Node, e.Claims))));

    private static NodeClaims Accepted(ulong round, PeerName proposer, AcceptedValue value) =>
        new(new ProposalId(round, proposer), new ProposalId(round, proposer), value);

    [Fact]
    public void A_quorum_accepting_under_one_ballot_is_consensus()
    {
        var o = Knowing((A, Accepted(1, A, V)), (B, Accepted(1, A, V)));
        Assert.True(o.TryGetConsensus(out var value));
        Assert.Equal(V, value);
    }

    [Fact]
    public void The_same_value_accepted_under_different_ballots_is_not_consensus()
    {
        // A took V under ballot 1 and C took V under ballot 3: a majority holds V, yet B's W under
        // ballot 2 can still win ballot 4 (its promisers A and B report W as the latest acceptance).
        var o = Knowing((A, Accepted(1, A, V)), (B, Accepted(2, B, W)), (C, Accepted(3, C, V)));
        Assert.False(o.TryGetConsensus(out _));
    }

    [Fact]
    public void Fewer_than_a_quorum_is_not_consensus()
    {
        var o = Knowing((A, Accepted(1, A, V)), (B, new NodeClaims(new ProposalId(1, A), ProposalId.None, null)));
        Assert.False(o.TryGetConsensus(out _));
    }
}
