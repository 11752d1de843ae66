using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Driver;

/// <summary>
/// What an <see cref="AllocatorDriver"/> hands to its host: the grain wires these to the peer messenger,
/// its logger and Orleans' deactivation; the simulator to its network and its restart of a peer.
/// </summary>
/// <param name="Send">Queues an encoded message for a peer (called only once the state it reflects is durable).</param>
/// <param name="StorageFailed">
/// A commit failed: memory is ahead of the disk, so the host must start the engine again from what is durable.
/// Called once per failed flush, after its waiting requests were answered with the error.
/// </param>
/// <param name="Flushing">Sees every batch of effects as it is taken, before anything is persisted (log lines, range transfers).</param>
public sealed record DriverOutputs(
    Action<PeerName, byte[], string> Send,
    Action<Exception> StorageFailed,
    Action<Effects>? Flushing = null);
