using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Pools;

namespace WeaveOrleans.Grains;

/// <summary>
/// The key of one host's allocator for one pool: the grain key of <see cref="IHostAllocatorGrain"/> and
/// the key its state is stored under, <c>POOL/PEER</c> (<c>default/aa:bb:cc:dd:ee:ff</c>).
/// </summary>
public static class AllocatorKey
{
    public static string For(PoolId pool, PeerName peer) => $"{pool}/{peer}";

    /// <summary>The key before pools existed, the peer name alone: what data directories of earlier releases hold (the default pool's).</summary>
    public static string Legacy(PeerName peer) => peer.ToString();
}
