using WeaveOrleans.Grains;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi.Report;

/// <summary>
/// Weave's <c>GET /report</c> document (its <c>WeaveStatus</c>), with the fields WeaveOrleans has,
/// named and typed as Weave's are, so that scripts and templates written for Weave read it alike.
/// Left out, because WeaveOrleans has nothing behind them: routes, overlay diagnostics, MACs, trusted
/// subnets, peer UIDs and short IDs, DNS, proxy and plugin.
/// </summary>
public sealed record WeaveReport(bool Ready, string Version, VersionCheckReport VersionCheck, RouterReport Router, IpamReport IPAM);

/// <summary>WeaveOrleans never checks for a newer version (Weave's <c>CHECKPOINT_DISABLE</c>).</summary>
public sealed record VersionCheckReport(bool Enabled, bool Success, string NewVersion);

/// <param name="Encryption">False: the peer port authenticates with <c>--password</c> but never encrypts.</param>
/// <param name="Peers">This peer first, then the peers it is connected to.</param>
/// <param name="Connections">Live connections and the dial targets not connected.</param>
/// <param name="Targets">The peers this host dials (launch peers and <c>connect</c>ed ones).</param>
public sealed record RouterReport(
    bool Encryption,
    bool PeerDiscovery,
    string Name,
    string NickName,
    IReadOnlyList<PeerReport> Peers,
    IReadOnlyList<ConnectionReport> Connections,
    IReadOnlyList<string> Targets);

/// <param name="Connections">This peer's connections; for another peer, empty: only this peer's side of each link is known here.</param>
public sealed record PeerReport(string Name, string NickName, IReadOnlyList<PeerConnectionReport> Connections);

public sealed record PeerConnectionReport(string Name, string NickName, string Address, bool Outbound, bool Established);

/// <param name="Info">As in <c>/status/connections</c>: the overlay (<c>none</c>) and the remote peer, or why a target is not connected.</param>
/// <param name="Attrs">Always null: WeaveOrleans connections carry no attributes (Weave's name, mtu, encrypted).</param>
public sealed record ConnectionReport(string Address, bool Outbound, string State, string Info, IReadOnlyDictionary<string, string>? Attrs);

/// <param name="ActiveIPs">Addresses this peer has given out.</param>
/// <param name="PendingAllocates">Each <c>IDENT FIRST-LAST</c>, the range of the subnet it waits in.</param>
public sealed record IpamReport(
    ConsensusInfo? Paxos,
    string Range,
    UInt128 RangeNumIPs,
    int ActiveIPs,
    string DefaultSubnet,
    IReadOnlyList<RingEntryReport> Entries,
    IReadOnlyList<PendingClaimReport> PendingClaims,
    IReadOnlyList<string> PendingAllocates);

/// <param name="Size">A number, as in Weave (the machine-readable status has it as a string).</param>
/// <param name="IsKnownPeer">Whether this peer can reach the entry's owner.</param>
public sealed record RingEntryReport(string Token, UInt128 Size, string Peer, string Nickname, bool IsKnownPeer, uint Version);

public sealed record PendingClaimReport(string Ident, CidrReport CIDR);

/// <summary>Weave's claimed address: an object in JSON, printed <c>ADDR/PREFIXLEN</c> by a template.</summary>
public sealed record CidrReport(string Addr, int PrefixLen)
{
    public override string ToString() => $"{Addr}/{PrefixLen}";
}
