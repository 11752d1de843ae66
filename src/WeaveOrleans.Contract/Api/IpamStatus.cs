namespace WeaveOrleans.Contract.Api;

/// <summary>
/// What status, /status/ipam, /report and /metrics show: the daemon's <c>/status/json</c>, which the CLI
/// reads. Plain records, so that the CLI needs no Orleans; the grain boundary carries them as their JSON
/// (Grains.Abstractions' IpamStatusSurrogate).
/// </summary>
public sealed record IpamStatus(
    string PeerName,
    string Nickname,
    string Line,
    string Range,
    string RangeNumIPs,
    int ActiveIPs,
    string DefaultSubnet,
    ConsensusInfo? Paxos,
    RangeEntry[] Entries,
    string[] RangeReport,
    string[] PendingClaims,
    string[] PendingAllocates,
    string? LastMergeError,
    int RejectedMerges,
    string[] ConnectedPeers,
    int UnreachablePeers,
    double UnreachablePercentage,
    string? Docker = null,
    PeerSpace[]? Peers = null,
    SubnetSpace[]? Subnets = null,
    int DeadContainerAddresses = 0,
    RangeTransfer[]? Transfers = null,
    bool PeerPassword = false)
{
    /// <summary>Weave's <c>Encryption</c> status line: the peer port authenticates with a password but never encrypts.</summary>
    public string PeerSecurity => PeerPassword
        ? "disabled; peers authenticate with the shared password (HMAC-SHA256)"
        : "disabled; no password: any host that reaches the peer port can join";
}

public sealed record ConsensusInfo(
    bool Elector,
    int KnownNodes,
    int Quorum);

public sealed record RangeEntry(
    string Token,
    string Size,
    string Peer,
    string? Nickname,
    bool IsKnownPeer,
    uint Version,
    string? Free = null);

/// <summary>One peer's share of the range and how much of it is free (for itself: its free list; others: what they advertised).</summary>
public sealed record PeerSpace(
    string Peer,
    string? Nickname,
    string Owned,
    string Free);

/// <summary>A subnet's size and how many of its addresses this peer holds.</summary>
public sealed record SubnetSpace(
    string Subnet,
    string Size,
    int Allocated);
