using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests.Consensus;

/// <summary>Short, readable peer names for consensus tests.</summary>
internal static class TestPeers
{
    public static readonly PeerName A = new(0xA);
    public static readonly PeerName B = new(0xB);
    public static readonly PeerName C = new(0xC);
    public static readonly PeerName D = new(0xD);
    public static readonly PeerName O = new(0x0B5);
}
