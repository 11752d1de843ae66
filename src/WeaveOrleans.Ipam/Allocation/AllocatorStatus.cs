using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>Everything <c>weave status</c>, <c>/status/ipam</c> and <c>/report</c> show about IPAM.</summary>
public sealed record AllocatorStatus(
    string Line,
    Cidr Range,
    UInt128 RangeNumIPs,
    int ActiveIPs,
    Cidr DefaultSubnet,
    ConsensusStatus? Paxos,
    IReadOnlyList<RangeStatus> Entries,
    IReadOnlyList<PeerShare> Shares,
    IReadOnlyList<string> PendingClaims,
    IReadOnlyList<string> PendingAllocates,
    string? LastMergeError,
    int RejectedMerges,
    IReadOnlyList<SubnetUse> Subnets,
    int DeadContainerAddresses);

public sealed record ConsensusStatus(bool Elector, int KnownNodes, int Quorum);

/// <summary>One ring entry as status shows it.</summary>
public sealed record RangeStatus(Address Token, UInt128 Size, PeerName Peer, string? Nickname, bool IsReachable, uint Version);

/// <summary>
/// What one peer owns, for <c>weave status ipam</c> and the capacity metrics. <paramref name="Free"/> is
/// this peer's free list for itself and, for the others, what their ring entries last advertised.
/// </summary>
public sealed record PeerShare(PeerName Peer, string? Nickname, UInt128 Size, bool IsSelf, bool IsReachable, UInt128 Free);

/// <summary>How many addresses this peer has handed out in one subnet (the default one is always listed).</summary>
public sealed record SubnetUse(Cidr Subnet, int Allocated);
