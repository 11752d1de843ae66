using WeaveOrleans.Contract.Api;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Grains;

/// <summary>
/// What the host allocator grain takes from an engine after each flush for its status: the ring's changes
/// of owner (<see cref="RangeTransferLog"/>), each named by how it came about. Public so that the host's
/// start-up warm-up runs this same code on its throwaway engines: on a donation it is the grain's own
/// part of the work (LINQ and lists over the engine's value types, which ReadyToRun does not precompile),
/// and it cost milliseconds of JIT in the first real donation on each side (issue 12).
/// </summary>
public sealed class EngineTransfers(Func<Allocator> engine, TimeProvider time, int capacity)
{
    private readonly RangeTransferLog _log = new(capacity);

    /// <summary>Oldest first.</summary>
    public RangeTransfer[] Recent() => _log.Recent();

    /// <summary>Records what changed owner since the last call (cheap when the ring did not change).</summary>
    public void Observe()
    {
        var e = engine();
        _log.Observe(e.Ring, time.GetUtcNow(), (from, _) => KindOf(e, from), p => e.Nicknames.GetValueOrDefault(p));
    }

    /// <summary>
    /// How a change of owner came about, from what the engine records: the old owner was removed
    /// (rmpeer) or left (reset; it hands its ranges on while still connected, whereas rmpeer only
    /// takes from a peer that is not), or else it donated.
    /// </summary>
    private static string KindOf(Allocator e, PeerName from) =>
        !e.RemovedPeers.ContainsKey(from) ? RangeTransfer.Donation
        : e.IsReachable(from) ? RangeTransfer.Reset
        : RangeTransfer.RemovePeer;
}
