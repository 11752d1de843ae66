using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Grains;

/// <summary>
/// One host's IPAM, keyed by the host's peer name. Every outside input reaches the engine through
/// here: HTTP and CLI calls, Docker events and messages from other peers (RingGossip). Calls that
/// change state return only once the change is durable. Addresses, CIDRs and peer names arrive as the
/// engine's own types (Orleans surrogates in <see cref="Serialization"/>): front ends parse them once.
/// </summary>
public interface IHostAllocatorGrain : IGrainWithStringKey
{
    /// <summary>An address in <paramref name="subnet"/> (null = default subnet). Waits for consensus or space; cancellable.</summary>
    Task<IpamReply> Allocate(string ident, Cidr? subnet, bool isContainer, CancellationToken cancellation = default);

    /// <summary>Records exactly <paramref name="address"/> (an address and its subnet's prefix) for <paramref name="ident"/>.</summary>
    Task<IpamReply> Claim(string ident, Cidr address, bool isContainer, bool noErrorOnUnknown, CancellationToken cancellation = default);

    /// <summary>The ident's addresses, only those inside <paramref name="subnet"/> when given.</summary>
    Task<Cidr[]> Lookup(string ident, Cidr? subnet);

    /// <summary>Every ident with its addresses.</summary>
    Task<OwnedEntry[]> ListAll();

    /// <summary>The ident holding <paramref name="address"/> on this host, or null: one lookup, not a listing.</summary>
    Task<string?> HolderOf(Address address);

    Task<IpamReply> Free(string ident, Address address);

    Task<IpamReply> Delete(string ident);

    /// <summary>Waits until the ring exists.</summary>
    Task<IpamReply> Prime(CancellationToken cancellation = default);

    /// <summary>rmpeer: TakenOver is how many addresses were taken. A nickname is accepted too, so the name stays text.</summary>
    Task<IpamReply> RemovePeer(string nameOrNickname);

    /// <summary>weave reset: hands every range to an heir and stops allocating.</summary>
    Task<IpamReply> Shutdown();

    Task<IpamStatus> Status();

    Task ContainerStarted(string id);

    Task ContainerDied(string id);

    Task ContainerDestroyed(string id);

    /// <summary>
    /// Releases the addresses of containers not in <paramref name="running"/> and marks those in it alive (no pending
    /// death); returns how many idents were released.
    /// </summary>
    Task<int> PruneOwned(string[] running);

    /// <summary>A message from another peer (engine wire format).</summary>
    Task Receive(PeerName fromPeer, byte[] payload);

    Task PeerConnected(PeerName peer);

    Task PeerDisconnected(PeerName peer);
}
