using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

/// <summary>Restarts, range changes, rmpeer and reset.</summary>
public class LifecycleTests
{
    private static (PeerNetwork Net, SimPeer[] Peers) ThreeSeeded(int seed, string range = "10.0.4.0/22")
    {
        var net = new PeerNetwork(seed);
        var peers = new[] { 0, 1, 2 }.Select(n => net.Add(n, Configs.Seed(range, 0, 1, 2))).ToArray();
        net.Settle();
        return (net, peers);
    }

    [Fact]
    public void A_restart_picks_up_where_it_left_off()
    {
        var (net, p) = ThreeSeeded(30);
        var a1 = net.Address(p[0], net.Allocate(p[0], "c1"));
        net.Claim(p[0], "out", "192.168.9.9/24");
        var ring = p[0].Allocator.Ring.Entries.ToArray();
        net.Crash(p[0]);
        net.Restart(p[0]);
        Assert.Equal([a1], p[0].Allocator.Lookup("c1").Select(c => c.ToString()));
        Assert.Equal(ring, p[0].Allocator.Ring.Entries);
        Assert.NotEqual(a1, net.Address(p[0], net.Allocate(p[0], "c2")));
        Assert.Equal(["192.168.9.9/24"], p[0].Allocator.Lookup("out").Select(c => c.ToString()));
    }

    [Fact]
    public void Persisted_data_wins_over_the_seed_given_at_launch()
    {
        var (net, p) = ThreeSeeded(31);
        net.Allocate(p[1], "c1");
        net.Crash(p[1]);
        net.Restart(p[1], Configs.Seed("10.0.4.0/22", 1));
        Assert.Contains(p[1].Log, l => l.Message.Contains("ignoring supplied IPAM seed"));
        Assert.Equal(Configs.Names(0, 1, 2).ToArray(), p[1].Allocator.Ring.Seeds.ToArray());
    }

    [Fact]
    public void A_relaunch_with_another_range_discards_the_old_state_and_says_so()
    {
        var net = new PeerNetwork(32);
        var p = net.Add(1, Configs.Consensus("10.2.0.0/16", 1));
        net.Address(p, net.Allocate(p, "c1"));
        net.Crash(p);
        net.Restart(p, Configs.Consensus("10.3.0.0/16", 1));
        Assert.Contains(p.Log, l => l.Message.Contains("Deleting persisted data for IPAM range 10.2.0.0/16"));
        Assert.Empty(p.Allocator.Owned);
        Assert.Empty(p.PersistedRows);
        Assert.Equal("10.3.0.1/16", net.Address(p, net.Allocate(p, "c2")));
    }

    [Fact]
    public void Container_flags_survive_a_restart_so_pruning_still_releases_them()
    {
        var (net, p) = ThreeSeeded(33);
        net.Claim(p[0], "c1", "10.0.4.7/22", isContainer: true);
        net.Settle();
        net.Crash(p[0]);
        net.Restart(p[0]);
        Assert.True(p[0].Allocator.Owned["c1"].IsContainer);
        Assert.Equal(1, p[0].Allocator.PruneOwned(new HashSet<string>()));
    }

    [Fact]
    public void Rmpeer_takes_over_a_dead_peers_ranges_and_the_takeover_reaches_everyone()
    {
        var (net, p) = ThreeSeeded(34);
        net.Allocate(p[2], "doomed");
        net.Settle();
        net.Crash(p[2]);
        var result = net.Run(p[0], (a, id) => a.RemovePeer(id, p[2].Name.ToString(), net.Now));
        Assert.Equal((UInt128)256, Assert.IsType<Outcome.Ok>(result).TakenOver);
        net.Settle();
        Assert.DoesNotContain(p[2].Name, p[1].Allocator.Ring.Peers());
        Assert.Equal(p[0].Allocator.Ring.Entries, p[1].Allocator.Ring.Entries);
    }

    [Fact]
    public void Ranges_taken_over_with_rmpeer_are_usable_once_the_change_is_delivered_without_waiting_for_a_gossip_round()
    {
        // Weave's test 335 on real daemons found this: the taken-over ranges are held back until every
        // other peer confirms, and a peer the change was relayed to must confirm at once, not on its
        // next periodic round (30 s on a real daemon).
        var (net, p) = ThreeSeeded(40);
        net.Crash(p[2]);
        net.Run(p[0], (a, id) => a.RemovePeer(id, p[2].Name.ToString(), net.Now));
        net.Settle();
        Assert.Empty(p[0].Allocator.Quarantined);
        var owned = p[0].Allocator.Ownership.Space.OwnedCount;
        for (var i = 0; i < 600; i++)
            net.Address(p[0], net.Allocate(p[0], $"after-{i}"));
        Assert.Equal(owned, p[0].Allocator.Ownership.Space.OwnedCount);
    }

    [Fact]
    public void Rmpeer_by_nickname_works_and_an_unknown_name_takes_nothing()
    {
        var (net, p) = ThreeSeeded(35);
        net.Crash(p[2]);
        Assert.Equal(UInt128.Zero, Assert.IsType<Outcome.Ok>(net.Run(p[0], (a, id) => a.RemovePeer(id, "nobody", net.Now))).TakenOver);
        Assert.Equal((UInt128)256, Assert.IsType<Outcome.Ok>(net.Run(p[0], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now))).TakenOver);
    }

    [Fact]
    public void Rmpeer_refuses_this_peer_a_connected_peer_and_a_peer_removed_elsewhere()
    {
        var (net, p) = ThreeSeeded(36);
        Assert.Contains("it is this peer", Assert.IsType<Outcome.Failed>(net.Run(p[0], (a, id) => a.RemovePeer(id, p[0].Nickname, net.Now))).Message);
        Assert.Contains("it is connected to this peer", Assert.IsType<Outcome.Failed>(net.Run(p[0], (a, id) => a.RemovePeer(id, p[1].Nickname, net.Now))).Message);
        net.Crash(p[2]);
        net.Run(p[0], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now));
        net.Settle();
        Assert.Contains("already removed", Assert.IsType<Outcome.Failed>(net.Run(p[1], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now))).Message);
    }

    [Fact]
    public void A_removed_peer_that_comes_back_stops_allocating_and_says_it_must_be_reset()
    {
        var (net, p) = ThreeSeeded(37);
        net.Address(p[2], net.Allocate(p[2], "old"));
        net.Crash(p[2]);
        net.Run(p[0], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now));
        net.Settle();
        net.Restart(p[2]);
        net.Settle();
        Assert.True(p[2].Allocator.RemovedFromNetwork);
        Assert.Contains("run 'weave reset'", p[2].Allocator.StatusLine());
        Assert.IsType<Outcome.Failed>(net.Answer(p[2], net.Allocate(p[2], "new")));
        Assert.DoesNotContain(p[2].Name, p[0].Allocator.Ring.Peers());
    }

    [Fact]
    public void Reset_hands_every_range_to_a_live_peer()
    {
        var (net, p) = ThreeSeeded(38);
        var heir = net.Shutdown(p[1]);
        Assert.Contains(heir, new[] { p[0].Name, p[2].Name });
        net.Settle();
        Assert.DoesNotContain(p[1].Name, p[0].Allocator.Ring.Peers());
        Assert.Equal(p[0].Allocator.Ring.Entries, p[2].Allocator.Ring.Entries);
        Assert.IsType<Outcome.Cancelled>(net.Answer(p[1], net.Allocate(p[1], "late")));
        var total = p[0].Allocator.Ownership.Space.OwnedCount + p[2].Allocator.Ownership.Space.OwnedCount;
        Assert.Equal((UInt128)1024, total);
    }

    [Fact]
    public void A_partition_keeps_both_sides_allocating_without_duplicates_and_the_heal_merges()
    {
        var (net, p) = ThreeSeeded(39);
        net.Partition(p[0]);
        var left = Enumerable.Range(0, 20).Select(i => net.Address(p[0], net.Allocate(p[0], $"l{i}"))).ToList();
        var right = Enumerable.Range(0, 20).Select(i => net.Address(i % 2 == 0 ? p[1] : p[2], net.Allocate(i % 2 == 0 ? p[1] : p[2], $"r{i}"))).ToList();
        Assert.Empty(left.Intersect(right));
        net.HealAll();
        net.Tick();
        Assert.Equal(p[0].Allocator.Ring.Entries, p[1].Allocator.Ring.Entries);
        Assert.Equal(p[1].Allocator.Ring.Entries, p[2].Allocator.Ring.Entries);
        Assert.All(p, peer => Assert.Equal(0, peer.Allocator.RejectedMerges));
    }

    [Fact]
    public void A_taken_over_peer_detects_it_from_ring_versions_even_without_gossip_of_the_removal()
    {
        var (net, p) = ThreeSeeded(40);
        net.Address(p[2], net.Allocate(p[2], "busy"));
        net.Crash(p[2]);
        net.Run(p[0], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now));
        net.Settle();
        // Hand the returning peer only the ring, not the removed list.
        var ringOnly = new Gossip(System.Collections.Immutable.ImmutableDictionary<Peers.PeerName, string>.Empty, null, p[0].Allocator.Ring.ToData(), []);
        var back = Allocator.Restore(p[2].Config, p[2].Name, p[2].Nickname, new Random(1), p[2].PersistedSnapshot, p[2].PersistedRows);
        back.Receive(p[0].Name, ringOnly, net.Now);
        Assert.True(back.RemovedFromNetwork);
        Assert.Equal(RingMergeErrorKind.TakenOver, back.LastMergeError?.Kind);
    }
}
