using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.TestSupport;

/// <summary>Peer names for tests: short ones that read as letters, and numbered ones as the reference's tests write them.</summary>
public static class TestPeers
{
    public static readonly PeerName A = new(0xA);
    public static readonly PeerName B = new(0xB);
    public static readonly PeerName C = new(0xC);
    public static readonly PeerName D = new(0xD);

    /// <summary>An observer, far from the others in the name order.</summary>
    public static readonly PeerName O = new(0x0B5);

    /// <summary>Peer <paramref name="n"/> as the reference's tests name it: "01" is 01:00:00:02:00:00.</summary>
    public static PeerName P(int n) => new(((ulong)n << 40) | (2UL << 16));
}
