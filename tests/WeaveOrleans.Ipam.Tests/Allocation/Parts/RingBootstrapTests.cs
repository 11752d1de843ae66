using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Consensus;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class RingBootstrapTests
{
    [Fact]
    public void An_elector_proposes_once_then_reproposes_on_request_and_each_is_a_change()
    {
        var bootstrap = new RingBootstrap(P(1), new InitMode.ByConsensus(1));
        Assert.False(bootstrap.AwaitingConsensus);
        Assert.False(bootstrap.Repropose());

        Assert.True(bootstrap.TryStartProposing());
        Assert.True(bootstrap.AwaitingConsensus);
        Assert.True(bootstrap.TakeDirty());
        Assert.False(bootstrap.TryStartProposing());
        Assert.False(bootstrap.TakeDirty());

        Assert.True(bootstrap.Repropose());
        Assert.True(bootstrap.TakeDirty());
    }

    [Fact]
    public void A_quorum_of_one_agrees_on_itself()
    {
        var bootstrap = new RingBootstrap(P(1), new InitMode.ByConsensus(1));
        bootstrap.TryStartProposing();
        Assert.True(bootstrap.TryGetAgreement(out var value));
        Assert.Equal([P(1)], value.Peers.ToArray());
    }

    [Fact]
    public void Two_electors_reach_agreement_by_exchanging_state()
    {
        var a = new RingBootstrap(P(1), new InitMode.ByConsensus(2));
        var b = new RingBootstrap(P(2), new InitMode.ByConsensus(2));
        a.TryStartProposing();
        b.TryStartProposing();
        for (var round = 0; round < 10 && !(a.TryGetAgreement(out _) && b.TryGetAgreement(out _)); round++)
        {
            b.Update(a.State!);
            a.Update(b.State!);
        }
        Assert.True(a.TryGetAgreement(out var va));
        Assert.True(b.TryGetAgreement(out var vb));
        Assert.Equal(va.Peers.ToArray(), vb.Peers.ToArray());
        Assert.True(a.TakeDirty());
    }

    [Fact]
    public void An_observer_asks_for_the_ring_once_until_allowed_again_and_never_agrees()
    {
        var bootstrap = new RingBootstrap(P(1), new InitMode.AsObserver());
        Assert.True(bootstrap.IsObserver);
        Assert.Null(bootstrap.ElectorState);
        Assert.False(bootstrap.TryStartProposing());
        Assert.True(bootstrap.TryRequestRing());
        Assert.False(bootstrap.TryRequestRing());
        bootstrap.AllowRingRequest();
        Assert.True(bootstrap.TryRequestRing());
        Assert.False(bootstrap.TryGetAgreement(out _));
        Assert.False(bootstrap.TakeDirty());
    }

    [Fact]
    public void Finishing_drops_the_consensus_state_as_a_change()
    {
        var bootstrap = new RingBootstrap(P(1), new InitMode.ByConsensus(3));
        bootstrap.TryStartProposing();
        bootstrap.TakeDirty();
        bootstrap.Finish();
        Assert.True(bootstrap.TakeDirty());
        Assert.Null(bootstrap.State);
        Assert.False(bootstrap.AwaitingConsensus);
        Assert.False(bootstrap.Update(PaxosState.Empty));
    }

    [Fact]
    public void A_restored_elector_that_promised_a_ballot_waits_for_it_instead_of_proposing()
    {
        var (proposer, acceptor, ballot) = AcceptorThatPromisedABallot();

        var restored = new RingBootstrap(P(2), new InitMode.ByConsensus(2), acceptor.State);
        Assert.False(restored.TryStartProposing());

        Assert.True(restored.AwaitingConsensus);
        Assert.Equal(ballot, restored.State!.ClaimsOf(P(2)).Promise);
        proposer.Update(restored.State!);
        restored.Update(proposer.State!);
        proposer.Update(restored.State!);
        Assert.True(proposer.TryGetAgreement(out var value));
        Assert.Equal(P(1), value.Origin);
    }

    [Fact]
    public void An_elector_waiting_on_another_ballot_outbids_it_when_reproposing()
    {
        var (_, acceptor, waitedOn) = AcceptorThatPromisedABallot();
        acceptor.TryStartProposing();

        Assert.True(acceptor.Repropose());

        var promise = acceptor.State!.ClaimsOf(P(2)).Promise;
        Assert.Equal(P(2), promise.Proposer);
        Assert.True(promise > waitedOn);
    }

    /// <summary>Peer 1 proposes in a network of quorum 2; peer 2 has promised that ballot.</summary>
    private static (RingBootstrap Proposer, RingBootstrap Acceptor, ProposalId Ballot) AcceptorThatPromisedABallot()
    {
        var proposer = new RingBootstrap(P(1), new InitMode.ByConsensus(2));
        proposer.TryStartProposing();
        var acceptor = new RingBootstrap(P(2), new InitMode.ByConsensus(2));
        acceptor.Update(proposer.State!);
        return (proposer, acceptor, proposer.State!.ClaimsOf(P(1)).Promise);
    }

    [Fact]
    public void A_restored_elector_keeps_its_promises()
    {
        var before = new RingBootstrap(P(1), new InitMode.ByConsensus(3));
        before.TryStartProposing();
        var restored = new RingBootstrap(P(1), new InitMode.ByConsensus(3), before.State);
        Assert.Equal(before.State, restored.State);
        Assert.False(restored.TakeDirty());
    }
}
