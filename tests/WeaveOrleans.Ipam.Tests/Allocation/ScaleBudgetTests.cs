using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

/// <summary>What consensus, one ring change and an idle round cost, against the budgets of issue 11.</summary>
public class ScaleBudgetTests
{
    [Fact]
    public void At_32_peers_consensus_a_ring_change_and_an_idle_round_stay_within_their_budgets()
    {
        const int n = 32;
        var report = new ScaleRun(n).Run();
        Assert.True(report.ConsensusMessages <= 20 * n, report.ToString());
        Assert.True(report.ChangeMessages <= 3 * n, report.ToString());
        Assert.True(report.ChangeRounds <= 2 * Math.Log2(n) + 2, report.ToString());
        // By its own spreading, not by periodic gossip (30 s a round on a daemon).
        Assert.Equal(0, report.ChangePeriodicRounds);
        Assert.True(report.IdleRoundMessages <= Allocator.PeriodicFanout * n, report.ToString());
    }

    [Fact]
    public void An_acceptor_answers_the_proposer_alone()
    {
        var config = Configs.Consensus("10.0.0.0/22", 2);
        var engines = Enumerable.Range(1, 4).Select(n => new Allocator(config, PeerNetwork.Name(n), $"nick-{n}", new Random(n))).ToArray();
        foreach (var a in engines)
            foreach (var b in engines.Where(b => b != a))
                a.PeerConnected(b.Self, TimeSpan.Zero);
        foreach (var e in engines)
            e.TakeEffects();
        var (proposer, acceptor) = (engines[0], engines[1]);

        proposer.Prime(1, TimeSpan.Zero);
        var prepare = proposer.TakeEffects().Messages;
        Assert.Equal(engines.Skip(1).Select(e => e.Self).Order(), prepare.Select(m => m.To).Order());

        acceptor.Receive(proposer.Self, prepare.First(m => m.To == acceptor.Self).Message, TimeSpan.Zero);
        var promise = Assert.Single(acceptor.TakeEffects().Messages);
        Assert.Equal(proposer.Self, promise.To);
        Assert.Equal(proposer.Self, ((Gossip)promise.Message).Paxos!.ClaimsOf(acceptor.Self).Promise.Proposer);
    }

    [Fact]
    public void Only_the_proposer_announces_the_ring_and_the_others_do_not_send_it_on_whole()
    {
        var net = new PeerNetwork(11);
        var peers = Enumerable.Range(1, 12).Select(n => net.Add(n, Configs.Consensus("10.0.0.0/20", 7))).ToArray();
        net.Settle();
        var before = net.Messages.ByKind.GetValueOrDefault("whole ring").Count;
        net.Prime(peers[0]);
        net.Settle();
        Assert.All(peers, p => Assert.False(p.Allocator.Ring.IsEmpty));
        // One whole ring per peer: the announcement down the relay tree, nothing sent back or on twice.
        Assert.Equal(peers.Length - 1, net.Messages.ByKind.GetValueOrDefault("whole ring").Count - before);
    }
}
