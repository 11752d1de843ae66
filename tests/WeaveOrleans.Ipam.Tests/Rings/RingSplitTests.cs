using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Rings;

public class RingSplitTests
{
    private static string[] Split(string universe, int peers)
    {
        var ring = new Ring(C(universe), P(1));
        ring.ClaimForPeers(Enumerable.Range(1, peers).Select(P));
        return [.. Enumerable.Range(1, peers).SelectMany(p => ring.OwnedRangesOf(P(p))).OrderBy(r => r.Start).Select(ToCidr)];
    }

    private static string ToCidr(AddressRange r)
    {
        var bits = 32 - (int)UInt128.Log2(r.Size);
        return $"{r.Start}/{bits}";
    }

    [Fact]
    public void Two_peers_get_a_half_each() =>
        Assert.Equal(["10.32.0.0/13", "10.40.0.0/13"], Split("10.32.0.0/12", 2));

    [Fact]
    public void Three_peers_get_a_half_and_two_quarters() =>
        Assert.Equal(["10.32.0.0/13", "10.40.0.0/14", "10.44.0.0/14"], Split("10.32.0.0/12", 3));

    [Fact]
    public void Four_peers_get_a_quarter_each() =>
        Assert.Equal(["10.32.0.0/14", "10.36.0.0/14", "10.40.0.0/14", "10.44.0.0/14"], Split("10.32.0.0/12", 4));

    [Fact]
    public void Five_peers_get_three_quarters_and_two_eighths() =>
        Assert.Equal(["10.32.0.0/14", "10.36.0.0/14", "10.40.0.0/14", "10.44.0.0/15", "10.46.0.0/15"],
            Split("10.32.0.0/12", 5));

    [Fact]
    public void Eight_addresses_among_three_peers_split_four_two_two()
    {
        var ring = new Ring(C("10.0.0.0/29"), P(1));
        ring.ClaimForPeers([P(3), P(1), P(2), P(2)]);
        Assert.Equal([4, 2, 2], ring.Entries.Select(e => (int)e.Free));
        Assert.Equal([P(1), P(2), P(3)], ring.Entries.Select(e => e.Peer));
        Assert.Equal([P(1), P(2), P(3)], ring.Seeds.ToArray());
    }

    [Fact]
    public void The_split_depends_only_on_the_set_of_peers()
    {
        var a = new Ring(C("10.32.0.0/12"), P(1));
        a.ClaimForPeers([P(5), P(1), P(3)]);
        var b = new Ring(C("10.32.0.0/12"), P(3));
        b.ClaimForPeers([P(3), P(5), P(1), P(5)]);
        Assert.Equal(a.Entries(), b.Entries());
    }

    [Fact]
    public void Every_leaf_starts_fully_free_and_versions_at_zero()
    {
        var ring = new Ring(C("10.32.0.0/12"), P(1));
        ring.ClaimForPeers(Enumerable.Range(1, 12).Select(P));
        Assert.All(ring.Entries, e => Assert.Equal(0u, e.Version));
        Assert.Equal(C("10.32.0.0/12").Size, ring.Entries.Aggregate(UInt128.Zero, (s, e) => s + e.Free));
    }

    [Fact]
    public void Claiming_twice_is_refused() =>
        Assert.Throws<InvalidOperationException>(() =>
        {
            var ring = new Ring(C("10.0.0.0/24"), P(1));
            ring.ClaimForPeers([P(1)]);
            ring.ClaimForPeers([P(1)]);
        });
}
