using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Consensus;

public class AcceptedValueTests
{
    [Fact]
    public void Peers_are_sorted_and_deduplicated()
    {
        var value = new AcceptedValue([C, A, C, B], A);
        Assert.Equal<PeerName>([A, B, C], value.Peers);
    }

    [Fact]
    public void Values_with_the_same_peers_in_any_order_are_equal()
    {
        var x = new AcceptedValue([C, A], B);
        var y = new AcceptedValue([A, C, A], B);
        Assert.Equal(x, y);
        Assert.Equal(x.GetHashCode(), y.GetHashCode());
    }

    [Fact]
    public void Values_from_different_origins_differ()
    {
        Assert.NotEqual(new AcceptedValue([A, B], A), new AcceptedValue([A, B], B));
    }
}
