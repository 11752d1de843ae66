using WeaveOrleans.Ipam.Consensus;

namespace WeaveOrleans.Ipam.Tests.Consensus;

public class QuorumTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(10, 6)]
    public void For_is_a_strict_majority_of_the_initial_peers(int peers, int expected) =>
        Assert.Equal(expected, Quorum.For(peers));

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    public void FromNamedPeers_counts_this_peer_as_well(int named, int expected) =>
        Assert.Equal(expected, Quorum.FromNamedPeers(named));
}
