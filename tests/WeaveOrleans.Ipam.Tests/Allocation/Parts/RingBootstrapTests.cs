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
    public void An_elector_waiting_on_another_ballot_outbids_it_only_after_one_quiet_tick_and_TicksBeforeOutbidding_more()
    {
        var (_, acceptor, waitedOn) = AcceptorThatPromisedABallot();
        acceptor.TryStartProposing();

        for (var tick = 0; tick < ReproposeTimer.TicksBeforeOutbidding; tick++)
            Assert.False(acceptor.Repropose());
        Assert.Equal(waitedOn, acceptor.State!.ClaimsOf(P(2)).Promise);
        Assert.True(acceptor.Repropose());

        var promise = acceptor.State!.ClaimsOf(P(2)).Promise;
        Assert.Equal(P(2), promise.Proposer);
        Assert.True(promise > waitedOn);
    }

    [Fact]
    public void A_proposer_reproposes_after_quiet_ticks_doubling_to_the_maximum_and_news_restarts_the_count()
    {
        var bootstrap = new RingBootstrap(P(1), new InitMode.ByConsensus(2));
        var other = new RingBootstrap(P(2), new InitMode.ByConsensus(2));
        bootstrap.TryStartProposing();
        List<int> gaps = [];
        for (var i = 0; i < 6; i++)
        {
            var ticks = 1;
            while (!bootstrap.Repropose())
                ticks++;
            gaps.Add(ticks);
        }
        Assert.Equal([1, 2, 4, 8, 16, 16], gaps);

        // Fifteen quiet ticks, then news: the count of quiet ticks starts again.
        for (var i = 0; i < ReproposeTimer.MaxQuietTicks - 1; i++)
            Assert.False(bootstrap.Repropose());
        other.Update(bootstrap.State!);
        var before = bootstrap.State;
        bootstrap.Update(other.State!);
        Assert.NotEqual(before, bootstrap.State);
        for (var i = 0; i < ReproposeTimer.MaxQuietTicks - 1; i++)
            Assert.False(bootstrap.Repropose());
        Assert.True(bootstrap.Repropose());
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
