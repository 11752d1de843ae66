using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Simulation;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Allocation;

public class SpaceSharingTests
{
    [Fact]
    public void A_newcomer_gets_half_of_an_idle_peers_range()
    {
        var net = new PeerNetwork(20);
        var a = net.Add(1, Configs.Consensus("10.32.0.0/12", 1));
        net.Prime(a);
        var b = net.Add(2, Configs.Consensus("10.32.0.0/12", 1));
        net.Settle();
        Assert.Equal("10.40.0.0/12", net.Address(b, net.Allocate(b, "c1")));
        Assert.Equal([C("10.32.0.0/13")], a.Allocator.Ring.OwnedRangesOf(a.Name));
        Assert.Equal([C("10.40.0.0/13")], a.Allocator.Ring.OwnedRangesOf(b.Name));
    }

    [Fact]
    public void Two_seeded_peers_start_at_the_bottom_of_their_halves()
    {
        var net = new PeerNetwork(21);
        var p0 = net.Add(0, Configs.Seed("10.0.3.0/24", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.3.0/24", 0, 1));
        Assert.Equal("10.0.3.128/24", net.Address(p1, net.Allocate(p1, "a")));
        Assert.Equal("10.0.3.1/24", net.Address(p0, net.Allocate(p0, "b")));
    }

    [Fact]
    public void A_claim_of_another_peers_free_address_is_handed_over_as_one_address()
    {
        var net = new PeerNetwork(22);
        var p0 = net.Add(0, Configs.Seed("10.0.3.0/24", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.3.0/24", 0, 1));
        Assert.IsType<Outcome.Ok>(net.Answer(p1, net.Claim(p1, "c5", "10.0.3.5/24")));
        Assert.Equal(p1.Name, p1.Allocator.Ring.Owner(A("10.0.3.5")));
        Assert.Equal(p0.Name, p1.Allocator.Ring.Owner(A("10.0.3.6")));
        Assert.Contains(p1.Allocator.Ring.Entries, e => e.Token == A("10.0.3.5") && e.Peer == p1.Name);
        Assert.Contains(p1.Allocator.Ring.Entries, e => e.Token == A("10.0.3.6") && e.Peer == p0.Name);
    }

    [Fact]
    public void A_claim_of_an_address_in_use_on_its_owner_fails_naming_the_owner()
    {
        var net = new PeerNetwork(23);
        var p0 = net.Add(0, Configs.Seed("10.0.3.0/24", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.3.0/24", 0, 1));
        Assert.Equal("10.0.3.1/24", net.Address(p0, net.Allocate(p0, "c1")));
        var failed = Assert.IsType<Outcome.Failed>(net.Answer(p1, net.Claim(p1, "c2", "10.0.3.1/24")));
        Assert.StartsWith("address 10.0.3.1/24 is owned by other peer 00:00:02:00:00:00(nick-00)".Replace("00:00:02:00:00:00", p0.Name.ToString()), failed.Message);
    }

    [Fact]
    public void Exhaustion_borrows_ever_smaller_blocks_then_waits()
    {
        var net = new PeerNetwork(24);
        var p0 = net.Add(0, Configs.Seed("10.0.4.0/28", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.4.0/28", 0, 1));
        var got = Enumerable.Range(0, 14).Select(i => net.Address(p1, net.Allocate(p1, $"c{i}"))).ToList();
        string[] expected = [.. new[] { 8, 9, 10, 11, 12, 13, 14, 4, 5, 6, 7, 2, 3, 1 }.Select(n => $"10.0.4.{n}/28")];
        Assert.Equal(expected, got);
        var last = net.Allocate(p1, "c15");
        net.Tick();
        Assert.Null(net.Answer(p1, last));
        Assert.Equal("waiting for IP(s) to become available", p1.Allocator.StatusLine());
        Assert.True(p0.Allocator.Ownership.Space.IsFree(A("10.0.4.0")));
    }

    [Fact]
    public void An_allocation_waits_and_says_so_when_only_unreachable_peers_have_space()
    {
        var net = new PeerNetwork(25);
        var p0 = net.Add(0, Configs.Seed("10.0.4.0/28", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.4.0/28", 0, 1));
        for (var i = 0; i < 7; i++)
            net.Address(p1, net.Allocate(p1, $"c{i}"));
        net.Partition(p0);
        var r = net.Allocate(p1, "more");
        net.Tick();
        Assert.Null(net.Answer(p1, r));
        Assert.Equal("all IP ranges owned by unreachable peers - use 'rmpeer' if they are dead", p1.Allocator.StatusLine());
        Assert.False(p1.Allocator.Status().Shares[1].IsReachable);
        net.HealAll();
        net.Tick();
        Assert.Equal("10.0.4.4/28", net.Address(p1, r));
    }

    [Fact]
    public void A_claim_on_an_unreachable_owner_fails_at_once_naming_the_owner()
    {
        var net = new PeerNetwork(26);
        var p0 = net.Add(0, Configs.Seed("10.0.3.0/24", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.3.0/24", 0, 1));
        net.Settle();
        net.Partition(p0);
        var r = net.Claim(p1, "c", "10.0.3.9/24");
        var failed = Assert.IsType<Outcome.Failed>(p1.Answers.GetValueOrDefault(r));
        Assert.Equal($"address 10.0.3.9/24 is owned by other peer {p0.Name}(nick-00), which is unreachable", failed.Message);
        Assert.False(p1.Allocator.HasPending);
    }

    [Fact]
    public void A_claim_with_no_error_on_unknown_on_an_unreachable_owner_also_fails_at_once()
    {
        // Answering "ok" for an address another peer owns could give it to two containers.
        var net = new PeerNetwork(28);
        var p0 = net.Add(0, Configs.Seed("10.0.3.0/24", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.3.0/24", 0, 1));
        net.Settle();
        net.Partition(p0);
        var r = net.Claim(p1, "c", "10.0.3.9/24", noErrorOnUnknown: true);
        Assert.EndsWith("which is unreachable", Assert.IsType<Outcome.Failed>(p1.Answers.GetValueOrDefault(r)).Message);
    }

    [Fact]
    public void A_claim_on_a_connected_owner_that_never_answers_fails_within_two_ticks()
    {
        // A paused (SIGSTOP) owner stays connected until its heartbeats are missed.
        var net = new PeerNetwork(29);
        var p0 = net.Add(0, Configs.Seed("10.0.3.0/24", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.3.0/24", 0, 1));
        net.Settle();
        net.LossProbability = 1;
        var r = net.Claim(p1, "c", "10.0.3.9/24");
        net.Tick();
        net.Tick();
        var failed = Assert.IsType<Outcome.Failed>(net.Answer(p1, r));
        Assert.Equal($"address 10.0.3.9/24 is owned by other peer {p0.Name}(nick-00), which did not answer", failed.Message);
        Assert.False(p1.Allocator.HasPending);
    }

    [Fact]
    public void A_pending_claim_fails_as_soon_as_its_owner_disconnects()
    {
        var net = new PeerNetwork(30);
        var p0 = net.Add(0, Configs.Seed("10.0.3.0/24", 0, 1));
        var p1 = net.Add(1, Configs.Seed("10.0.3.0/24", 0, 1));
        net.Settle();
        net.LossProbability = 1;
        var r = net.Claim(p1, "c", "10.0.3.9/24");
        net.Settle();
        Assert.Null(p1.Answers.GetValueOrDefault(r));
        net.Partition(p0);
        net.Flush(p1);
        Assert.EndsWith("which is unreachable", Assert.IsType<Outcome.Failed>(p1.Answers.GetValueOrDefault(r)).Message);
    }

    [Fact]
    public void A_claim_waits_for_the_ring_while_it_is_not_established()
    {
        var net = new PeerNetwork(31);
        var p = net.Add(1, Configs.Consensus("10.0.3.0/24", 2));
        var r = net.Claim(p, "c", "10.0.3.9/24");
        net.Tick();
        net.Tick();
        net.Tick();
        Assert.Null(net.Answer(p, r));
        net.Add(2, Configs.Consensus("10.0.3.0/24", 2));
        net.Tick();
        net.Tick();
        Assert.IsType<Outcome.Ok>(net.Answer(p, r));
    }

    [Fact]
    public void A_claim_before_the_ring_exists_with_no_error_on_unknown_is_answered_at_once_and_done_later()
    {
        var net = new PeerNetwork(27);
        var p = net.Add(1, Configs.Consensus("10.0.3.0/24", 2));
        var r = net.Claim(p, "c", "10.0.3.9/24", noErrorOnUnknown: true);
        Assert.IsType<Outcome.Ok>(net.Answer(p, r));
        Assert.Empty(p.Allocator.Owned);
        net.Add(2, Configs.Consensus("10.0.3.0/24", 2));
        net.Tick();
        net.Tick();
        Assert.Equal(["10.0.3.9/24"], p.Allocator.Lookup("c").Select(c => c.ToString()));
    }
}
