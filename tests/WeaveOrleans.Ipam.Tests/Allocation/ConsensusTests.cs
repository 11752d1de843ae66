using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

public class ConsensusTests
{
    [Fact]
    public void Three_peers_agree_once_and_each_allocates_from_its_own_share()
    {
        var net = new PeerNetwork(3);
        var peers = Enumerable.Range(1, 3).Select(n => net.Add(n, Configs.Consensus("10.32.0.0/12", 2))).ToArray();
        var requests = peers.Select(p => net.Allocate(p, "c-" + p.Nickname)).ToArray();
        net.Settle();
        var addresses = peers.Select((p, i) => net.Address(p, requests[i])).ToArray();
        Assert.Equal(3, addresses.Distinct().Count());
        Assert.All(peers, p => Assert.Equal(peers[0].Allocator.Ring.Entries, p.Allocator.Ring.Entries));
        Assert.All(peers, p => Assert.Equal(Configs.Names(1, 2, 3).ToArray(), p.Allocator.Ring.Seeds.ToArray()));
    }

    [Fact]
    public void With_quorum_two_a_lone_peer_waits_and_says_so()
    {
        var net = new PeerNetwork(4);
        var p = net.Add(1, Configs.Consensus("10.0.0.0/24", 2));
        var request = net.Allocate(p, "c1");
        Assert.Null(net.Answer(p, request));
        Assert.Equal("waiting for IP(s) to become available", p.Allocator.StatusLine());
        Assert.Equal(new ConsensusStatus(true, 1, 2), p.Allocator.Status().Paxos);
        Assert.Empty(p.Allocator.Status().Shares);
    }

    [Fact]
    public void An_idle_elector_is_idle_and_a_priming_one_awaits_consensus()
    {
        var net = new PeerNetwork(5);
        var p = net.Add(1, Configs.Consensus("10.0.0.0/24", 2));
        Assert.Equal("idle", p.Allocator.StatusLine());
        net.Prime(p);
        Assert.Equal("awaiting consensus (quorum: 2, known: 1)", p.Allocator.StatusLine());
    }

    [Fact]
    public void Cancelling_a_waiting_allocation_answers_cancelled_and_allocates_nothing()
    {
        var net = new PeerNetwork(6);
        var p = net.Add(1, Configs.Consensus("10.0.0.0/24", 2));
        var request = net.Allocate(p, "c1");
        p.Allocator.Cancel(request);
        net.Flush(p);
        Assert.IsType<Outcome.Cancelled>(net.Answer(p, request));
        Assert.Empty(p.Allocator.Owned);
    }

    [Fact]
    public void A_container_death_cancels_all_its_pending_allocations()
    {
        var net = new PeerNetwork(7);
        var p = net.Add(1, Configs.Consensus("10.0.0.0/24", 2));
        var r1 = net.Allocate(p, "c1");
        var r2 = net.Allocate(p, "c1", "10.0.0.0/25");
        net.Do(p, a => { a.ContainerDied("c1", net.Now); return 0; });
        Assert.IsType<Outcome.Cancelled>(net.Answer(p, r1));
        Assert.IsType<Outcome.Cancelled>(net.Answer(p, r2));
    }

    [Fact]
    public void Over_estimating_the_peer_count_is_harmless_once_a_majority_of_it_arrives()
    {
        var net = new PeerNetwork(8);
        var peers = Enumerable.Range(1, 3).Select(n => net.Add(n, Configs.Consensus("10.0.0.0/24", 3))).ToArray();
        var r = net.Allocate(peers[0], "c1");
        Assert.Equal("10.0.0.1/24", net.Address(peers[0], r));
    }

    [Fact]
    public void A_peer_restarting_mid_consensus_keeps_its_promises()
    {
        var net = new PeerNetwork(9);
        var a = net.Add(1, Configs.Consensus("10.0.0.0/24", 2));
        var b = net.Add(2, Configs.Consensus("10.0.0.0/24", 2));
        net.Partition(a);
        net.Prime(a);
        net.Prime(b);
        net.Settle();
        var promise = a.Allocator.Snapshot().Paxos;
        Assert.NotNull(promise);
        net.Crash(a);
        net.Restart(a);
        Assert.Equal(promise, a.Allocator.Snapshot().Paxos);
        net.HealAll();
        net.Tick();
        Assert.Equal("ready", a.Allocator.StatusLine());
        Assert.Equal(a.Allocator.Ring.Entries, b.Allocator.Ring.Entries);
    }

    // Seed 1 at 200 peers: every storage failure restarted a driver, and each restarted elector asked
    // for the ring started a ballot above the one under way, so no proposer ever heard a quorum of
    // promises before it was outbid (the network never settled).
    [Fact]
    public void A_restarted_elector_asked_for_the_ring_joins_the_ballot_it_promised_instead_of_outbidding_it()
    {
        var net = new PeerNetwork(14);
        var peers = Enumerable.Range(1, 3).Select(n => net.Add(n, Configs.Consensus("10.0.0.0/24", 2))).ToArray();
        var (a, b) = (peers[0], peers[1]);
        net.Settle();
        net.Prime(a);
        net.DeliverAllFrom(a);
        var ballot = PromiseOf(a);
        Assert.Equal(ballot, PromiseOf(b));

        net.Restart(b);
        net.Prime(b);

        Assert.Equal(ballot, PromiseOf(b));
        Assert.Equal("awaiting consensus (quorum: 2, known: 3)", b.Allocator.StatusLine());
        net.Settle();
        Assert.All(peers, p => Assert.Equal("ready", p.Allocator.StatusLine()));
        Assert.All(peers, p => Assert.Equal(a.Allocator.Ring.Entries, p.Allocator.Ring.Entries));
    }

    [Fact]
    public void A_ballot_whose_proposer_is_gone_is_outbid_after_one_quiet_tick_and_TicksBeforeOutbidding_more()
    {
        var net = new PeerNetwork(15);
        var peers = Enumerable.Range(1, 3).Select(n => net.Add(n, Configs.Consensus("10.0.0.0/24", 2))).ToArray();
        var (a, b, c) = (peers[0], peers[1], peers[2]);
        net.Settle();
        net.Prime(a);
        net.DeliverAllFrom(a);
        net.Crash(a);
        net.Restart(b);
        net.Prime(b);
        net.Settle();
        Assert.Equal("awaiting consensus (quorum: 2, known: 3)", b.Allocator.StatusLine());

        // b promised a's ballot: it gives a the time to renew it before outbidding it. The first tick's
        // periodic gossip tells b of c's promise (c answered a alone), which is news: the quiet ticks
        // are counted from there.
        net.Tick();
        for (var tick = 0; tick < ReproposeTimer.TicksBeforeOutbidding; tick++)
        {
            net.Tick();
            Assert.Equal("awaiting consensus (quorum: 2, known: 3)", b.Allocator.StatusLine());
        }
        net.Tick();

        Assert.Equal("ready", b.Allocator.StatusLine());
        Assert.Equal(b.Allocator.Ring.Entries, c.Allocator.Ring.Entries);
    }

    // Twelve hosts at --conn-limit 3: each reaches three others, so no proposer hears a quorum of 7
    // directly. Electors that reach fewer than quorum − 1 peers relay what they learn, so agreement
    // completes on the messages alone, with no tick's re-proposal or periodic gossip carrying it.
    [Fact]
    public void Electors_that_each_reach_three_of_twelve_agree_through_relays_without_a_tick()
    {
        var net = new PeerNetwork(16);
        var peers = Enumerable.Range(1, 12)
            .Select(n => net.Add(PeerNetwork.Name(n), $"nick-{n:00}", Configs.Consensus("10.0.0.0/22", 7), linkToAll: false)).ToArray();
        for (var i = 0; i < 12; i++)
        {
            net.Connect(peers[i], peers[(i + 1) % 12]);
            if (i < 6)
                net.Connect(peers[i], peers[i + 6]);
        }
        net.Settle();

        foreach (var p in peers)
            net.Prime(p);
        net.Settle();

        Assert.All(peers, p => Assert.Equal("ready", p.Allocator.StatusLine()));
        Assert.All(peers, p => Assert.Equal(peers[0].Allocator.Ring.Entries, p.Allocator.Ring.Entries));
    }

    private static ProposalId PromiseOf(SimPeer peer) => peer.Allocator.Snapshot().Paxos!.ClaimsOf(peer.Name).Promise;

    [Fact]
    public void Seeded_peers_build_the_same_ring_without_talking()
    {
        var net = new PeerNetwork(10);
        var a = net.Add(1, Configs.Seed("10.0.0.0/24", 1, 2));
        var b = net.Add(2, Configs.Seed("10.0.0.0/24", 1, 2));
        net.Partition(a);
        Assert.Equal("10.0.0.1/24", net.Address(a, net.Allocate(a, "x")));
        Assert.Equal("10.0.0.128/24", net.Address(b, net.Allocate(b, "y")));
        Assert.Equal(a.Allocator.Ring.Entries.Select(e => (e.Token, e.Peer)), b.Allocator.Ring.Entries.Select(e => (e.Token, e.Peer)));
    }

    [Fact]
    public void Peers_seeded_differently_refuse_each_others_rings_and_say_why()
    {
        var net = new PeerNetwork(11);
        var a = net.Add(1, Configs.Seed("10.0.0.0/24", 1));
        var b = net.Add(2, Configs.Seed("10.0.0.0/24", 2));
        net.Settle();
        Assert.Contains("seeded by different peers", a.Allocator.Status().LastMergeError);
        Assert.Contains("seeded by different peers", b.Allocator.Status().LastMergeError);
    }

    [Fact]
    public void An_observer_gets_the_ring_from_electors_and_allocates_by_asking_for_space()
    {
        var net = new PeerNetwork(12);
        var o = net.Add(3, Configs.Observer("10.0.0.0/24"));
        Assert.Null(net.Answer(o, net.Allocate(o, "early")));
        Assert.Equal("waiting for IP(s) to become available", o.Allocator.StatusLine());
        var a = net.Add(1, Configs.Consensus("10.0.0.0/24", 2));
        var b = net.Add(2, Configs.Consensus("10.0.0.0/24", 2));
        net.Tick();
        net.Tick();
        var r = net.Allocate(o, "late");
        net.Tick();
        Assert.StartsWith("10.0.0.", net.Address(o, r));
        Assert.DoesNotContain(Configs.Names(3)[0], a.Allocator.Ring.Seeds);
        Assert.Equal(a.Allocator.Ring.Entries, b.Allocator.Ring.Entries);
    }

    [Fact]
    public void An_observer_alone_is_priming() 
    {
        var net = new PeerNetwork(13);
        var o = net.Add(3, Configs.Observer("10.0.0.0/24"));
        Assert.Equal("priming", o.Allocator.StatusLine());
    }
}
