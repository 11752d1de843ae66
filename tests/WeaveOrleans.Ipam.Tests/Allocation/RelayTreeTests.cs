using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests.Allocation;

public class RelayTreeTests
{
    private static PeerName P(int n) => new((ulong)n * 7919 % 100_003 + 1);

    /// <summary>Walks the tree from <paramref name="root"/>: how often each peer is sent to, and the hops the last one took.</summary>
    private static (Dictionary<PeerName, int> Received, int Hops) Spread(PeerName root, IReadOnlyList<PeerName> peers, Func<PeerName, PeerName, bool> connected)
    {
        var received = new Dictionary<PeerName, int>();
        var wave = new List<(PeerName At, PeerName Until)> { (root, root) };
        var hops = 0;
        while (wave.Count > 0)
        {
            var next = new List<(PeerName, PeerName)>();
            foreach (var (at, until) in wave)
                foreach (var (to, bound) in RelayTree.Children(at, until, peers.Where(p => p != at && connected(at, p))))
                {
                    received[to] = received.GetValueOrDefault(to) + 1;
                    next.Add((to, bound));
                }
            if (next.Count > 0)
                hops++;
            wave = next;
        }
        return (received, hops);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public void In_a_full_mesh_every_peer_hears_a_change_once_within_log2_N_hops(int n)
    {
        var peers = Enumerable.Range(1, n).Select(P).ToList();
        foreach (var root in new[] { peers[0], peers[n / 2], peers[^1] })
        {
            var (received, hops) = Spread(root, peers, (_, _) => true);
            Assert.Equal(peers.Where(p => p != root).Order(), received.Keys.Order());
            Assert.All(received.Values, count => Assert.Equal(1, count));
            Assert.True(hops <= Math.Ceiling(Math.Log2(n)), $"{hops} hops for {n} peers");
        }
    }

    [Fact]
    public void A_peer_the_relaying_one_cannot_reach_stays_in_the_arc_handed_on_and_is_reached_by_one_that_can()
    {
        var peers = Enumerable.Range(1, 9).Select(P).ToList();
        var root = peers.Order().First();
        var far = peers.Order().Last();
        // Only the peers just before the far one (in name order) are connected to it.
        var neighbours = peers.Order().SkipLast(1).TakeLast(2).ToHashSet();
        bool Connected(PeerName a, PeerName b) =>
            (a != far && b != far) || neighbours.Contains(a) || neighbours.Contains(b);
        var (received, _) = Spread(root, peers, Connected);
        Assert.Equal(1, received.GetValueOrDefault(far));
        Assert.Equal(peers.Count - 1, received.Count);
    }

    [Fact]
    public void With_nobody_else_connected_there_is_nothing_to_relay() =>
        Assert.Empty(RelayTree.Children(P(1), P(1), [P(1)]));
}
