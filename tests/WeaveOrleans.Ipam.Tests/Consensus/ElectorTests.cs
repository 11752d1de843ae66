using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Consensus;

public class ElectorTests
{
    private static void Deliver(Participant from, Participant to)
    {
        if (to.Update(from.State))
            to.Think();
    }

    [Fact]
    public void A_lone_elector_with_quorum_one_decides_on_itself_after_proposing()
    {
        var a = new Elector(A, quorum: 1);

        Assert.True(a.Propose());

        Assert.True(a.TryGetConsensus(out var value));
        Assert.Equal<PeerName>([A], value.Peers);
        Assert.Equal(A, value.Origin);
    }

    [Fact]
    public void Without_a_proposal_nothing_is_decided()
    {
        var a = new Elector(A, quorum: 1);
        Assert.False(a.Think());
        Assert.False(a.TryGetConsensus(out _));
    }

    [Fact]
    public void Two_electors_with_quorum_two_agree_after_exchanging_state()
    {
        var a = new Elector(A, quorum: 2);
        var b = new Elector(B, quorum: 2);

        a.Propose();
        Assert.False(a.TryGetConsensus(out _));
        Deliver(a, b);   // b promises a's ballot
        Deliver(b, a);   // a sees a quorum of promises and accepts its value
        Deliver(a, b);   // b follows
        Deliver(b, a);   // a learns b accepted

        Assert.True(a.TryGetConsensus(out var atA));
        Assert.True(b.TryGetConsensus(out var atB));
        Assert.Equal(atA, atB);
        Assert.Equal<PeerName>([A, B], atA.Peers);
        Assert.Equal(A, atA.Origin);
    }

    [Fact]
    public void Propose_outbids_every_round_known()
    {
        var a = new Elector(A, quorum: 3);
        a.Update(PaxosState.From([new(C, new NodeClaims(new ProposalId(7, C), ProposalId.None, null))]));

        a.Propose();

        Assert.Equal(new ProposalId(8, A), a.OwnClaims.Promise);
    }

    [Fact]
    public void A_higher_promise_is_adopted()
    {
        var a = new Elector(A, quorum: 2);
        a.Propose();
        var higher = new ProposalId(3, B);

        a.Update(PaxosState.From([new(B, new NodeClaims(higher, ProposalId.None, null))]));
        Assert.True(a.Think());

        Assert.Equal(higher, a.OwnClaims.Promise);
    }

    [Fact]
    public void A_lower_promise_is_not_adopted()
    {
        var a = new Elector(A, quorum: 2);
        a.Update(PaxosState.From([new(B, new NodeClaims(new ProposalId(5, B), ProposalId.None, null))]));
        a.Think();

        a.Update(PaxosState.From([new(C, new NodeClaims(new ProposalId(4, C), ProposalId.None, null))]));

        Assert.False(a.Think());
        Assert.Equal(new ProposalId(5, B), a.OwnClaims.Promise);
    }

    [Fact]
    public void An_elector_whose_proposal_was_superseded_does_not_accept_its_own_value()
    {
        var a = new Elector(A, quorum: 2);
        a.Propose();
        var mine = a.OwnClaims.Promise;

        // B promised to A's ballot (a quorum with A), but C has since promised a higher one.
        a.Update(PaxosState.From(
        [
            new(B, new NodeClaims(mine, ProposalId.None, null)),
            new(C, new NodeClaims(new ProposalId(mine.Round + 1, C), ProposalId.None, null)),
        ]));
        a.Think();

        Assert.Equal(new ProposalId(mine.Round + 1, C), a.OwnClaims.Promise);
        Assert.False(a.OwnClaims.HasAccepted);
    }

    [Fact]
    public void A_proposer_carries_forward_the_latest_value_its_promisers_accepted()
    {
        var earlier = new AcceptedValue([B, C], C);
        var latest = new AcceptedValue([B, D], D);
        var a = new Elector(A, quorum: 3);
        a.Update(PaxosState.From(
        [
            new(C, new NodeClaims(new ProposalId(1, C), new ProposalId(1, C), earlier)),
            new(D, new NodeClaims(new ProposalId(2, D), new ProposalId(2, D), latest)),
        ]));
        a.Propose();
        var ballot = a.OwnClaims.Promise;

        a.Update(PaxosState.From(
        [
            new(C, new NodeClaims(ballot, new ProposalId(1, C), earlier)),
            new(D, new NodeClaims(ballot, new ProposalId(2, D), latest)),
        ]));
        a.Think();

        Assert.Equal(ballot, a.OwnClaims.AcceptedId);
        Assert.Equal(latest, a.OwnClaims.Accepted);
    }

    [Fact]
    public void Without_earlier_acceptances_the_proposer_picks_every_node_it_knows()
    {
        var a = new Elector(A, quorum: 2);
        a.Propose();
        var ballot = a.OwnClaims.Promise;

        a.Update(PaxosState.From(
        [
            new(B, new NodeClaims(ballot, ProposalId.None, null)),
            new(C, NodeClaims.None),
        ]));
        a.Think();

        Assert.Equal(new AcceptedValue([A, B, C], A), a.OwnClaims.Accepted);
    }

    [Fact]
    public void A_follower_accepts_the_value_of_the_ballot_it_promised()
    {
        var value = new AcceptedValue([A, B], A);
        var ballot = new ProposalId(1, A);
        var b = new Elector(B, quorum: 2);

        b.Update(PaxosState.From([new(A, new NodeClaims(ballot, ballot, value))]));
        b.Think();

        Assert.Equal(new NodeClaims(ballot, ballot, value), b.OwnClaims);
    }

    [Fact]
    public void Think_is_idempotent()
    {
        var a = new Elector(A, quorum: 1);
        a.Propose();
        var state = a.State;

        Assert.False(a.Think());
        Assert.Equal(state, a.State);
    }

    [Fact]
    public void Update_reports_whether_anything_was_learned()
    {
        var a = new Elector(A, quorum: 2);
        var b = new Elector(B, quorum: 2);
        b.Propose();

        Assert.True(a.Update(b.State));
        Assert.False(a.Update(b.State));
    }

    [Fact]
    public void A_restored_elector_keeps_its_promise_and_refuses_a_lower_ballot()
    {
        var b = new Elector(B, quorum: 2);
        b.Update(PaxosState.From([new(C, new NodeClaims(new ProposalId(2, C), ProposalId.None, null))]));
        b.Think();
        var persisted = b.State;

        var restarted = Elector.Restore(B, 2, persisted);
        // A lower ballot reaches it; a forgetful B would promise it and could vote twice.
        restarted.Update(PaxosState.From([new(A, new NodeClaims(new ProposalId(1, A), ProposalId.None, null))]));
        restarted.Think();

        Assert.Equal(new ProposalId(2, C), restarted.OwnClaims.Promise);
    }

    [Fact]
    public void A_restored_elector_behaves_as_if_it_never_stopped()
    {
        var a = new Elector(A, quorum: 2);
        var b = new Elector(B, quorum: 2);
        a.Propose();
        Deliver(a, b);
        Deliver(b, a);

        var restored = Elector.Restore(A, 2, a.State);

        Assert.Equal(a.State, restored.State);
        Assert.Equal(a.OwnClaims, restored.OwnClaims);
        Assert.False(restored.Think());
        Deliver(restored, b);
        Deliver(b, restored);
        Assert.True(restored.TryGetConsensus(out var value));
        Assert.Equal<PeerName>([A, B], value.Peers);
    }

    [Fact]
    public void Restoring_from_nothing_yields_a_fresh_elector_that_knows_itself()
    {
        var restored = Elector.Restore(A, 2, PaxosState.Empty);
        Assert.Equal([A], restored.KnownNodes);
        Assert.Equal(NodeClaims.None, restored.OwnClaims);
    }

    [Fact]
    public void A_quorum_below_one_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Elector(A, 0));
    }
}
