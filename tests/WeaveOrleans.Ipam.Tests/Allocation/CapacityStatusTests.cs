using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

/// <summary>The figures behind the capacity metrics: free space per peer, use per subnet, dead containers' addresses.</summary>
public class CapacityStatusTests
{
    [Fact]
    public void Subnets_list_the_default_one_and_every_one_held_in_with_their_counts()
    {
        var net = new PeerNetwork(1);
        var p = net.Add(1, Configs.Consensus("10.0.3.0/26", 1));
        Assert.Equal([new SubnetUse(Cidr.Parse("10.0.3.0/26"), 0)], p.Allocator.Status().Subnets);

        net.Allocate(p, "c1");
        net.Allocate(p, "c2");
        net.Allocate(p, "c3", "10.0.3.32/28");
        Assert.Equal(
            [new SubnetUse(Cidr.Parse("10.0.3.0/26"), 2), new SubnetUse(Cidr.Parse("10.0.3.32/28"), 1)],
            p.Allocator.Status().Subnets);
        var self = Assert.Single(p.Allocator.Status().Shares);
        Assert.Equal(((UInt128)64, (UInt128)61), (self.Size, self.Free));

        Assert.IsType<Outcome.Ok>(net.Run(p, (a, id) => a.Delete(id, "c3")));
        Assert.Equal([new SubnetUse(Cidr.Parse("10.0.3.0/26"), 2)], p.Allocator.Status().Subnets);
    }

    [Fact]
    public void A_dead_containers_addresses_are_counted_until_the_grace_period_releases_them()
    {
        var net = new PeerNetwork(2);
        var p = net.Add(1, Configs.Consensus("10.0.3.0/26", 1));
        net.Allocate(p, "c1");
        net.Allocate(p, "c1", "10.0.3.32/28");
        net.Allocate(p, "keep");
        Assert.Equal(0, p.Allocator.Status().DeadContainerAddresses);

        p.Allocator.ContainerDied("c1", net.Now);
        Assert.Equal(2, p.Allocator.Status().DeadContainerAddresses);
        net.Tick(TimeSpan.FromSeconds(60));
        Assert.Equal(0, p.Allocator.Status().DeadContainerAddresses);
        Assert.Equal(1, p.Allocator.Status().ActiveIPs);
    }

    [Fact]
    public void Other_peers_free_space_is_what_they_advertised_in_the_ring()
    {
        var net = new PeerNetwork(3);
        var a = net.Add(1, Configs.Consensus("10.32.0.0/12", 1));
        net.Prime(a);
        var b = net.Add(2, Configs.Consensus("10.32.0.0/12", 1));
        net.Settle();
        net.Allocate(b, "c1"); // b has no space yet: this asks a for a donation
        net.Allocate(b, "c2");
        net.Settle();
        var before = a.Allocator.Status().Shares.Single(s => s.Peer == b.Name).Free;
        net.Tick(); // b reports its free counts on its tick, and gossip carries them to a

        var seenByA = a.Allocator.Status().Shares.ToDictionary(s => s.Peer);
        var bOwns = b.Allocator.Ownership.Space.OwnedCount;
        Assert.True(bOwns > 0);
        Assert.Equal(bOwns, seenByA[b.Name].Size);
        Assert.Equal(bOwns - 2, seenByA[b.Name].Free);
        Assert.NotEqual(before, seenByA[b.Name].Free);
        Assert.Equal(a.Allocator.Ownership.Space.FreeCount, seenByA[a.Name].Free);
    }
}
