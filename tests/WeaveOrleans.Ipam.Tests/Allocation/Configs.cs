using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests.Allocation;

internal static class Configs
{
    public static AllocatorConfig Consensus(string range, int quorum) => new(Cidr.ParseSubnet(range), new InitMode.ByConsensus(quorum));

    public static AllocatorConfig Seed(string range, params int[] seeds) =>
        new(Cidr.ParseSubnet(range), new InitMode.BySeed([.. seeds.Select(WeaveOrleans.Simulation.PeerNetwork.Name).Order()]));

    public static AllocatorConfig Observer(string range) => new(Cidr.ParseSubnet(range), new InitMode.AsObserver());

    public static ImmutableArray<PeerName> Names(params int[] n) => [.. n.Select(WeaveOrleans.Simulation.PeerNetwork.Name)];
}
