namespace WeaveOrleans.Grains;

/// <summary>What status, /status/ipam, /report and /metrics show.</summary>
[GenerateSerializer, Immutable]
public sealed record IpamStatus(
    [property: Id(0)] string PeerName,
    [property: Id(1)] string Nickname,
    [property: Id(2)] string Line,
    [property: Id(3)] string Range,
    [property: Id(4)] string RangeNumIPs,
    [property: Id(5)] int ActiveIPs,
    [property: Id(6)] string DefaultSubnet,
    [property: Id(7)] ConsensusInfo? Paxos,
    [property: Id(8)] RangeEntry[] Entries,
    [property: Id(9)] string[] RangeReport,
    [property: Id(10)] string[] PendingClaims,
    [property: Id(11)] string[] PendingAllocates,
    [property: Id(12)] string? LastMergeError,
    [property: Id(13)] int RejectedMerges,
    [property: Id(14)] string[] ConnectedPeers,
    [property: Id(15)] int UnreachablePeers,
    [property: Id(16)] double UnreachablePercentage,
    [property: Id(17)] string? Docker = null,
    [property: Id(18)] PeerSpace[]? Peers = null,
    [property: Id(19)] SubnetSpace[]? Subnets = null,
    [property: Id(20)] int DeadContainerAddresses = 0,
    [property: Id(21)] RangeTransfer[]? Transfers = null,
    [property: Id(30)] bool PeerPassword = false)
{
    /// <summary>Weave's <c>Encryption</c> status line: the peer port authenticates with a password but never encrypts.</summary>
    public string PeerSecurity => PeerPassword
        ? "disabled; peers authenticate with the shared password (HMAC-SHA256)"
        : "disabled; no password: any host that reaches the peer port can join";
}

[GenerateSerializer, Immutable]
public sealed record ConsensusInfo(
    [property: Id(0)] bool Elector,
    [property: Id(1)] int KnownNodes,
    [property: Id(2)] int Quorum);

[GenerateSerializer, Immutable]
public sealed record RangeEntry(
    [property: Id(0)] string Token,
    [property: Id(1)] string Size,
    [property: Id(2)] string Peer,
    [property: Id(3)] string? Nickname,
    [property: Id(4)] bool IsKnownPeer,
    [property: Id(5)] uint Version,
    [property: Id(6)] string? Free = null);

/// <summary>One peer's share of the range and how much of it is free (for itself: its free list; others: what they advertised).</summary>
[GenerateSerializer, Immutable]
public sealed record PeerSpace(
    [property: Id(0)] string Peer,
    [property: Id(1)] string? Nickname,
    [property: Id(2)] string Owned,
    [property: Id(3)] string Free);

/// <summary>A subnet's size and how many of its addresses this peer holds.</summary>
[GenerateSerializer, Immutable]
public sealed record SubnetSpace(
    [property: Id(0)] string Subnet,
    [property: Id(1)] string Size,
    [property: Id(2)] int Allocated);
