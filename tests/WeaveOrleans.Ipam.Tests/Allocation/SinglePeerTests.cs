using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

/// <summary>Scenario 1 of the reference and the single-peer basics.</summary>
public class SinglePeerTests
{
    private readonly PeerNetwork _net = new(1);
    private readonly SimPeer _p;

    public SinglePeerTests() => _p = _net.Add(1, Configs.Consensus("10.0.3.0/26", 1));

    [Fact]
    public void Allocates_the_lowest_address_of_each_subnet_and_looks_them_up()
    {
        Assert.Equal("10.0.3.1/28", _net.Address(_p, _net.Allocate(_p, "c1", "10.0.3.0/28")));
        Assert.Equal("10.0.3.33/28", _net.Address(_p, _net.Allocate(_p, "c1", "10.0.3.32/28")));
        Assert.Equal(["10.0.3.1/28", "10.0.3.33/28"], _p.Allocator.Lookup("c1", Cidr.Parse("10.0.3.0/26")).Select(c => c.ToString()));
        Assert.Equal(["10.0.3.33/28"], _p.Allocator.Lookup("c1", Cidr.Parse("10.0.3.32/28")).Select(c => c.ToString()));
    }

    [Fact]
    public void Allocation_is_idempotent_for_the_same_ident_and_subnet()
    {
        var first = _net.Address(_p, _net.Allocate(_p, "c1", "10.0.3.0/28"));
        Assert.Equal(first, _net.Address(_p, _net.Allocate(_p, "c1", "10.0.3.0/28")));
        Assert.Equal(1, _p.Allocator.ActiveCount);
        Assert.NotEqual(first, _net.Address(_p, _net.Allocate(_p, "c2", "10.0.3.0/28")));
    }

    [Fact]
    public void Delete_releases_everything_for_reuse()
    {
        _net.Allocate(_p, "c1", "10.0.3.0/28");
        _net.Allocate(_p, "c1", "10.0.3.32/28");
        Assert.IsType<Outcome.Ok>(_net.Run(_p, (a, id) => a.Delete(id, "c1")));
        Assert.Equal("10.0.3.1/28", _net.Address(_p, _net.Allocate(_p, "c3", "10.0.3.0/28")));
        Assert.Equal("10.0.3.33/28", _net.Address(_p, _net.Allocate(_p, "c3", "10.0.3.32/28")));
    }

    [Fact]
    public void Free_and_delete_report_what_is_not_there()
    {
        Assert.Equal("Delete: no addresses for nobody", Assert.IsType<Outcome.Failed>(_net.Run(_p, (a, id) => a.Delete(id, "nobody"))).Message);
        Assert.Equal("Free: address 10.0.3.9 not found for c1", Assert.IsType<Outcome.Failed>(_net.Run(_p, (a, id) => a.Free(id, "c1", Address.Parse("10.0.3.9")))).Message);
        _net.Allocate(_p, "c1", "10.0.3.0/28");
        Assert.IsType<Outcome.Ok>(_net.Run(_p, (a, id) => a.Free(id, "c1", Address.Parse("10.0.3.1"))));
        Assert.Empty(_p.Allocator.Lookup("c1"));
    }

    [Fact]
    public void No_container_allocations_are_filed_under_their_address()
    {
        var address = _net.Address(_p, _net.Allocate(_p, Idents.NoContainer, "10.0.3.0/28", isContainer: false));
        Assert.Equal("10.0.3.1/28", address);
        Assert.True(_p.Allocator.Owned.ContainsKey("10.0.3.1"));
        Assert.IsType<Outcome.Ok>(_net.Run(_p, (a, id) => a.Delete(id, "10.0.3.1")));
    }

    [Fact]
    public void A_dead_container_keeps_its_address_through_a_restart_within_the_grace_period()
    {
        var first = _net.Address(_p, _net.Allocate(_p, "c2", "10.0.3.0/28"));
        _p.Allocator.ContainerDied("c2", _net.Now);
        _net.Tick(TimeSpan.FromSeconds(20));
        Assert.Equal(first, _net.Address(_p, _net.Allocate(_p, "c2", "10.0.3.0/28")));
        _net.Tick(TimeSpan.FromSeconds(60));
        Assert.Equal([first], _p.Allocator.Lookup("c2").Select(c => c.ToString()));
    }

    [Fact]
    public void A_dead_container_loses_its_addresses_after_the_grace_period_not_before()
    {
        _net.Allocate(_p, "c3", "10.0.3.0/28");
        _net.Allocate(_p, "c3", "10.0.3.32/28");
        _p.Allocator.ContainerDied("c3", _net.Now);
        _net.Tick(TimeSpan.FromSeconds(30));
        Assert.Equal(2, _p.Allocator.Lookup("c3").Count);
        _net.Tick(TimeSpan.FromSeconds(30));
        Assert.Empty(_p.Allocator.Lookup("c3"));
        Assert.Equal((UInt128)64, _p.Allocator.Ownership.Space.FreeCount);
    }

    [Fact]
    public void A_started_container_is_no_longer_dead()
    {
        var first = _net.Address(_p, _net.Allocate(_p, "c4"));
        _p.Allocator.ContainerDied("c4", _net.Now);
        _p.Allocator.ContainerStarted("c4");
        _net.Tick(TimeSpan.FromSeconds(90));
        Assert.Equal([first], _p.Allocator.Lookup("c4").Select(c => c.ToString()));
    }

    [Fact]
    public void Destroyed_containers_release_at_once_but_non_container_addresses_stay()
    {
        _net.Allocate(_p, "c5");
        _net.Allocate(_p, Idents.Expose, isContainer: false);
        _p.Allocator.ContainerDestroyed("c5");
        _p.Allocator.ContainerDestroyed(Idents.Expose);
        Assert.Empty(_p.Allocator.Lookup("c5"));
        Assert.Single(_p.Allocator.Lookup(Idents.Expose));
    }

    [Fact]
    public void Prune_releases_containers_that_are_not_running()
    {
        _net.Allocate(_p, "alive");
        _net.Allocate(_p, "gone");
        _net.Allocate(_p, Idents.Expose, isContainer: false);
        Assert.Equal(1, _p.Allocator.PruneOwned(new HashSet<string> { "alive" }));
        Assert.Equal(["alive", Idents.Expose], _p.Allocator.Owned.Keys.Order());
    }

    [Fact]
    public void Prune_marks_the_running_containers_alive_again()
    {
        // Died, then restarted while nobody was watching: the prune after a reconnect is the only word that it runs.
        var address = _net.Address(_p, _net.Allocate(_p, "restarted"));
        _p.Allocator.ContainerDied("restarted", _net.Now);
        Assert.Equal(0, _p.Allocator.PruneOwned(new HashSet<string> { "restarted" }));
        _net.Tick(TimeSpan.FromSeconds(90));
        Assert.Equal([address], _p.Allocator.Lookup("restarted").Select(c => c.ToString()));
    }

    [Fact]
    public void A_subnet_outside_the_range_is_refused_with_the_reference_message() =>
        Assert.Equal("range 192.168.0.0/24 out of bounds: 10.0.3.0/26",
            Assert.IsType<Outcome.Failed>(_net.Answer(_p, _net.Allocate(_p, "x", "192.168.0.0/24"))).Message);

    [Fact]
    public void Claims_outside_the_range_are_recorded_and_conflicts_named()
    {
        Assert.IsType<Outcome.Ok>(_net.Answer(_p, _net.Claim(_p, "cA", "192.168.1.7/24")));
        Assert.Equal(["192.168.1.7/24"], _p.Allocator.Lookup("cA").Select(c => c.ToString()));
        Assert.Equal("address 192.168.1.7/24 already in use by cA",
            Assert.IsType<Outcome.Failed>(_net.Answer(_p, _net.Claim(_p, "cB", "192.168.1.7/24"))).Message);
        _p.Allocator.ContainerDied("cA", _net.Now);
        Assert.IsType<Outcome.Ok>(_net.Answer(_p, _net.Claim(_p, "cB", "192.168.1.7/24")));
        Assert.Empty(_p.Allocator.Lookup("cA"));
    }

    [Fact]
    public void Claims_inside_the_range_take_that_exact_address()
    {
        Assert.IsType<Outcome.Ok>(_net.Answer(_p, _net.Claim(_p, "c1", "10.0.3.7/26")));
        Assert.IsType<Outcome.Ok>(_net.Answer(_p, _net.Claim(_p, "c1", "10.0.3.7/26")));
        Assert.Equal("address 10.0.3.7/26 is already owned by c1",
            Assert.IsType<Outcome.Failed>(_net.Answer(_p, _net.Claim(_p, "c2", "10.0.3.7/26"))).Message);
        Assert.Equal("10.0.3.1/26", _net.Address(_p, _net.Allocate(_p, "c3")));
    }

    [Fact]
    public void A_claim_for_an_address_held_under_its_ip_string_is_already_in_use()
    {
        _net.Allocate(_p, Idents.NoContainer, isContainer: false);
        Assert.Equal("address 10.0.3.1/26 already in use",
            Assert.IsType<Outcome.Failed>(_net.Answer(_p, _net.Claim(_p, "c9", "10.0.3.1/26"))).Message);
        Assert.IsType<Outcome.Ok>(_net.Answer(_p, _net.Claim(_p, Idents.NoContainer, "10.0.3.1/26")));
    }

    [Fact]
    public void Bad_subnets_are_refused_with_the_problem_named() =>
        Assert.Contains("at least 4", Assert.IsType<Outcome.Failed>(_net.Answer(_p, _net.Request(_p, (a, id) =>
            a.Allocate(id, "x", new Cidr(Address.Parse("10.0.3.0"), 31), true, _net.Now)))).Message);

    [Fact]
    public void Status_of_a_ready_peer()
    {
        _net.Allocate(_p, "c1");
        var status = _p.Allocator.Status();
        Assert.Equal("ready", status.Line);
        Assert.Equal(1, status.ActiveIPs);
        Assert.Equal((UInt128)64, status.RangeNumIPs);
        var share = Assert.Single(status.Shares);
        Assert.Equal((PeerName.Parse("01:00:00:02:00:00"), "nick-01", (UInt128)64, true), (share.Peer, share.Nickname, share.Size, share.IsSelf));
    }
}
