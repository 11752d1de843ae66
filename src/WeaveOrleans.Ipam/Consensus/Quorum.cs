namespace WeaveOrleans.Ipam.Consensus;

/// <summary>How many distinct peers must agree: a strict majority, so any two quorums share a peer.</summary>
public static class Quorum
{
    public static int For(int initPeerCount) => initPeerCount / 2 + 1;

    /// <summary>The launch command names the other peers; this peer is one more.</summary>
    public static int FromNamedPeers(int namedPeersAtLaunch) => (namedPeersAtLaunch + 1) / 2 + 1;
}
