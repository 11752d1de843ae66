using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// Everything about a peer that must survive a restart except the per-ident address records, which
/// are stored one row each (<see cref="Allocator.Owned"/>) so that persisting one allocation never
/// rewrites the others. The consensus state is here: a peer that restarts mid-agreement must keep
/// every promise it made.
/// </summary>
public sealed record AllocatorSnapshot(
    PeerName Self,
    string Nickname,
    Cidr Range,
    RingData? Ring,
    PaxosState? Paxos,
    ImmutableDictionary<PeerName, string> Nicknames,
    ImmutableDictionary<PeerName, PeerName> Removed,
    bool RemovedFromNetwork,
    ImmutableArray<Quarantine> Quarantine = default)
{
    public const int CurrentFormatVersion = 1;
}
