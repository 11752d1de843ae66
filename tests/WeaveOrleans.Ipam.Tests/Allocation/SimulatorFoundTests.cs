using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

/// <summary>One test for each engine bug the simulator found, named for the behaviour now required.</summary>
public class SimulatorFoundTests
{
    private static (PeerNetwork Net, SimPeer[] Peers) Seeded(int seed, int count = 3, string range = "10.0.4.0/22")
    {
        var net = new PeerNetwork(seed);
        var ids = Enumerable.Range(0, count).ToArray();
        var peers = ids.Select(n => net.Add(n, Configs.Seed(range, ids))).ToArray();
        net.Settle();
        return (net, peers);
    }

    [Fact]
    public void A_removed_peer_that_came_back_and_a_newcomer_do_not_answer_each_other_for_ever()
    {
        var (net, p) = Seeded(101);
        net.Crash(p[2]);
        net.Run(p[0], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now));
        net.Settle();
        net.Restart(p[2]);
        net.Settle();
        Assert.True(p[2].Allocator.RemovedFromNetwork);
        net.Add(7, Configs.Observer("10.0.4.0/22"));
        net.Settle(maxSteps: 1_000);
        net.Tick();
    }

    [Fact]
    public void Rows_written_before_the_ring_exists_survive_a_restart()
    {
        var net = new PeerNetwork(102);
        var p = net.Add(1, Configs.Consensus("10.0.4.0/22", 2));
        Assert.IsType<Outcome.Ok>(net.Answer(p, net.Claim(p, "c1", "192.168.0.9/24")));
        net.Crash(p);
        net.Restart(p);
        Assert.Equal(["192.168.0.9/24"], p.Allocator.Lookup("c1").Select(c => c.ToString()));
    }

    [Fact]
    public void Rmpeer_before_the_ring_exists_takes_nothing_and_records_nothing()
    {
        var net = new PeerNetwork(103);
        var p = net.Add(1, Configs.Consensus("10.0.4.0/22", 2));
        var outcome = net.Run(p, (a, id) => a.RemovePeer(id, PeerNetwork.Name(2).ToString(), net.Now));
        Assert.Equal(UInt128.Zero, Assert.IsType<Outcome.Ok>(outcome).TakenOver);
        Assert.Empty(p.Allocator.RemovedPeers);
    }

    [Fact]
    public void A_peer_removed_by_a_remover_that_is_itself_removed_can_be_removed_again()
    {
        var (net, p) = Seeded(104, count: 4);
        net.Crash(p[3]);
        net.Crash(p[2]);
        // Peer 1 hears that peer 2 removed peer 3, but never sees peer 2's takeover in a ring.
        var hearsay = new Gossip(ImmutableDictionary<PeerName, string>.Empty, null, null,
            ImmutableDictionary<PeerName, PeerName>.Empty.Add(p[3].Name, p[2].Name));
        net.Do(p[1], a => { a.Receive(p[0].Name, hearsay, net.Now); return 0; });
        Assert.Contains("remove it first", Assert.IsType<Outcome.Failed>(net.Run(p[1], (a, id) => a.RemovePeer(id, p[3].Nickname, net.Now))).Message);
        Assert.IsType<Outcome.Ok>(net.Run(p[1], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now)));
        var taken = Assert.IsType<Outcome.Ok>(net.Run(p[1], (a, id) => a.RemovePeer(id, p[3].Nickname, net.Now)));
        Assert.Equal((UInt128)256, taken.TakenOver);
        Assert.DoesNotContain(p[3].Name, p[1].Allocator.Ring.Peers());
    }

    [Fact]
    public void Removing_a_dead_remover_passes_what_it_had_removed_to_the_new_remover_at_the_next_tick()
    {
        // Seed 33570: the refused peer's ranges are not lost once the operator removes the dead
        // remover; rmpeer of the refused peer is then allowed, and without it the next tick takes them.
        var (net, p) = Seeded(109, count: 4);
        net.Crash(p[3]);
        net.Crash(p[2]);
        var hearsay = new Gossip(ImmutableDictionary<PeerName, string>.Empty, null, null,
            ImmutableDictionary<PeerName, PeerName>.Empty.Add(p[3].Name, p[2].Name));
        net.Do(p[1], a => { a.Receive(p[0].Name, hearsay, net.Now); return 0; });
        Assert.IsType<Outcome.Ok>(net.Run(p[1], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now)));
        var refusedRanges = p[1].Allocator.Ring.OwnedRangesOf(p[3].Name).ToArray();
        Assert.NotEmpty(refusedRanges);
        net.Tick();
        Assert.DoesNotContain(p[3].Name, p[1].Allocator.Ring.Peers());
        // Taken over, not dropped: every range the refused peer owned is now the new remover's.
        Assert.All(refusedRanges, range => Assert.Equal(p[1].Name, p[1].Allocator.Ring.Owner(range.Start)));
    }

    [Fact]
    public void A_removed_peer_that_resets_hands_nothing_over()
    {
        var (net, p) = Seeded(105);
        net.Crash(p[2]);
        net.Run(p[0], (a, id) => a.RemovePeer(id, p[2].Nickname, net.Now));
        net.Settle();
        net.Restart(p[2]);
        net.Settle();
        var before = p[0].Allocator.Ring.Entries.ToArray();
        Assert.Equal(PeerName.None, net.Shutdown(p[2]));
        net.Settle();
        Assert.Equal(before, p[0].Allocator.Ring.Entries);
    }

    [Fact]
    public void Free_count_versions_survive_a_restart_so_rings_still_converge()
    {
        var (net, p) = Seeded(106, count: 2);
        net.Allocate(p[0], "c1");
        net.Tick();
        var own = p[0].Allocator.Ring.Entries.Where(e => e.Peer == p[0].Name).ToArray();
        net.Crash(p[0]);
        net.Restart(p[0]);
        Assert.Equal(own, p[0].Allocator.Ring.Entries.Where(e => e.Peer == p[0].Name));
        net.Tick();
        Assert.Equal(p[0].Allocator.Ring.Entries, p[1].Allocator.Ring.Entries);
    }

    [Fact]
    public void A_persisted_ring_with_stale_free_counts_of_other_peers_restores()
    {
        var range = Cidr.ParseSubnet("10.0.0.0/24");
        var config = new AllocatorConfig(range, new InitMode.ByConsensus(1));
        var me = PeerNetwork.Name(1);
        var other = PeerNetwork.Name(2);
        var ring = new RingData(range.Range, [me, other],
            [new RingEntry(Address.Parse("10.0.0.0"), me, 0, 128), new RingEntry(Address.Parse("10.0.0.128"), other, 0, 100), new RingEntry(Address.Parse("10.0.0.192"), other, 0, 64)]);
        var snapshot = new AllocatorSnapshot(me, "me", range, ring, null, ImmutableDictionary<PeerName, string>.Empty, ImmutableDictionary<PeerName, PeerName>.Empty, false);
        var restored = Allocator.Restore(config, me, "me", new Random(1), snapshot, new Dictionary<string, OwnedAddresses>());
        Assert.Equal("ready", restored.StatusLine());
    }

    [Fact]
    public void Rmpeer_waits_until_a_restarted_peer_has_heard_from_the_others()
    {
        var (net, p) = Seeded(107);
        net.Crash(p[2]);
        var restarted = Allocator.Restore(p[0].Config, p[0].Name, p[0].Nickname, new Random(1), p[0].PersistedSnapshot, p[0].PersistedRows);
        restarted.PeerConnected(p[1].Name, net.Now);
        Assert.Contains("has not heard from the others", Assert.IsType<Outcome.Failed>(restarted.Answer((a, id) => a.RemovePeer(id, p[2].Nickname, net.Now))).Message);
        restarted.Receive(p[1].Name, new Gossip(ImmutableDictionary<PeerName, string>.Empty, null, p[1].Allocator.Ring.ToData(), ImmutableDictionary<PeerName, PeerName>.Empty), net.Now);
        Assert.IsType<Outcome.Ok>(restarted.Answer((a, id) => a.RemovePeer(id, p[2].Nickname, net.Now)));
    }

    [Fact]
    public void A_peer_that_left_with_reset_is_recorded_as_removed_by_its_heir()
    {
        var (net, p) = Seeded(108);
        var heir = net.Shutdown(p[1]);
        net.Settle();
        var other = p.Single(x => x.Name != heir && x != p[1]);
        net.Crash(p[1]);
        Assert.Equal(heir, other.Allocator.RemovedPeers[p[1].Name]);
        Assert.Contains("already removed it", Assert.IsType<Outcome.Failed>(net.Run(other, (a, id) => a.RemovePeer(id, p[1].Nickname, net.Now))).Message);
    }

    [Fact]
    public void A_takeover_racing_a_departure_is_held_back_and_the_hand_over_wins()
    {
        var (net, p) = Seeded(109);
        net.Partition(p[2]);
        var heir = net.Shutdown(p[0]);
        Assert.Equal(p[1].Name, heir);
        net.Settle();
        net.Crash(p[0]);
        var c2 = net.Address(p[1], net.Allocate(p[1], "c2", "10.0.4.0/23"));
        net.Crash(p[1]);
        // p2 never heard that p0 left, and its operator removes p0 as dead.
        Assert.IsType<Outcome.Ok>(net.Run(p[2], (a, id) => a.RemovePeer(id, p[0].Nickname, net.Now)));
        Assert.NotEmpty(p[2].Allocator.Quarantined);
        var waiting = net.Allocate(p[2], "c1", "10.0.4.0/23");
        net.Tick();
        Assert.Null(net.Answer(p[2], waiting));

        net.Restart(p[1]);
        net.HealAll();
        net.Tick();
        net.Tick();
        Assert.Empty(p[2].Allocator.Quarantined);
        Assert.Equal(p[1].Allocator.Ring.Entries, p[2].Allocator.Ring.Entries);
        Assert.Equal(p[1].Name, p[2].Allocator.Ring.Owner(Address.Parse("10.0.4.1")));
        var c1 = net.Address(p[2], waiting);
        Assert.NotEqual(c2, c1);
        Assert.DoesNotContain(c1, p[1].Allocator.Owned.Values.SelectMany(o => o.Cidrs).Select(c => c.ToString()));
    }

    [Fact]
    public void A_takeover_waits_for_an_heir_the_remover_knows_only_by_nickname()
    {
        // Simulator seed 6886: the leaver handed its ranges to a peer that owned nothing in the
        // remover's ring (the nickname fallback of the heir choice), so the remover awaited nobody
        // and gave out an address the heir had already given out.
        var (net, p) = Seeded(110, count: 2);
        var heir = net.Add(3, Configs.Observer("10.0.4.0/22"));
        net.Settle();
        Assert.DoesNotContain(heir.Name, p[1].Allocator.Ring.Peers());
        net.Partition(p[1]);
        Assert.Equal(heir.Name, net.Shutdown(p[0]));
        net.Settle();
        net.Crash(p[0]);
        var used = net.Address(heir, net.Allocate(heir, "c3"));
        net.Crash(heir);
        net.HealAll();
        net.Settle();

        // p1 never heard that p0 left, and its operator removes p0 as dead while the heir is down.
        Assert.IsType<Outcome.Ok>(net.Run(p[1], (a, id) => a.RemovePeer(id, p[0].Nickname, net.Now)));
        Assert.NotEmpty(p[1].Allocator.Quarantined);
        var claim = net.Claim(p[1], "c1", used);
        net.Tick();
        Assert.Null(net.Answer(p[1], claim));

        net.Restart(heir);
        net.HealAll();
        net.Tick();
        net.Tick();
        Assert.Empty(p[1].Allocator.Quarantined);
        Assert.Equal(heir.Allocator.Ring.Entries, p[1].Allocator.Ring.Entries);
        Assert.IsNotType<Outcome.Ok>(net.Answer(p[1], claim));
        Assert.Contains(used, heir.Allocator.Owned["c3"].Cidrs.Select(c => c.ToString()));
    }

    [Fact]
    public void Removing_a_dead_peer_known_only_by_nickname_releases_what_waits_for_it()
    {
        var (net, p) = Seeded(111, count: 2);
        var observer = net.Add(3, Configs.Observer("10.0.4.0/22"));
        net.Settle();
        net.Crash(observer);
        net.Crash(p[0]);
        Assert.IsType<Outcome.Ok>(net.Run(p[1], (a, id) => a.RemovePeer(id, p[0].Nickname, net.Now)));
        Assert.Equal([observer.Name], p[1].Allocator.Quarantined.SelectMany(q => q.Awaiting).Distinct());

        var taken = Assert.IsType<Outcome.Ok>(net.Run(p[1], (a, id) => a.RemovePeer(id, observer.Nickname, net.Now)));
        Assert.Equal(UInt128.Zero, taken.TakenOver);
        Assert.Empty(p[1].Allocator.Quarantined);
    }

    [Fact]
    public void What_still_names_a_peer_this_one_removed_is_taken_over_on_the_next_tick_even_without_a_merge()
    {
        var range = Cidr.ParseSubnet("10.0.0.0/24");
        var config = new AllocatorConfig(range, new InitMode.ByConsensus(1));
        var (me, gone, other) = (PeerNetwork.Name(1), PeerNetwork.Name(2), PeerNetwork.Name(3));
        var ring = new RingData(range.Range, [me, gone, other],
            [new RingEntry(Address.Parse("10.0.0.0"), me, 0, 128), new RingEntry(Address.Parse("10.0.0.128"), gone, 0, 64), new RingEntry(Address.Parse("10.0.0.192"), other, 0, 64)]);
        var snapshot = new AllocatorSnapshot(me, "me", range, ring, null, ImmutableDictionary<PeerName, string>.Empty,
            ImmutableDictionary<PeerName, PeerName>.Empty.Add(gone, me), false);
        var restored = Allocator.Restore(config, me, "me", new Random(1), snapshot, new Dictionary<string, OwnedAddresses>());
        restored.Tick(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(gone, restored.Ring.Peers());
        Assert.Single(restored.Quarantined);
    }
}
