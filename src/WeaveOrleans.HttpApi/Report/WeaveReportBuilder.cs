using System.Globalization;
using System.Text.Json;
using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Contract;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi.Report;

/// <summary>Weave's report document from the grain's status and this host's router (when it has one).</summary>
internal static class WeaveReportBuilder
{
    public static WeaveReport Build(IpamStatus status, IPeerRouter? router) => new(
        Ready: router?.Ready ?? true,
        Version: WeaveVersion.Current,
        VersionCheck: new VersionCheckReport(Enabled: false, Success: false, NewVersion: ""),
        Router: Router(status, router),
        IPAM: Ipam(status));

    private static RouterReport Router(IpamStatus status, IPeerRouter? router)
    {
        var connections = router?.Connections ?? [];
        var live = connections.Where(c => c.PeerName is not null).ToList();
        var self = new PeerReport(status.PeerName, status.Nickname,
            [.. live.Select(c => new PeerConnectionReport(c.PeerName!, c.Nickname ?? "", c.Address, c.Outbound, c.State == "established"))]);
        // Without a router only the names of the reachable peers are known.
        IEnumerable<PeerReport> others = router is null
            ? status.ConnectedPeers.Where(p => p != status.PeerName).Select(p => new PeerReport(p, "", []))
            : live.DistinctBy(c => c.PeerName).OrderBy(c => c.PeerName, StringComparer.Ordinal).Select(c => new PeerReport(c.PeerName!, c.Nickname ?? "", []));
        return new RouterReport(
            Encryption: false,
            PeerDiscovery: router?.PeerDiscovery ?? false,
            Name: status.PeerName,
            NickName: status.Nickname,
            Peers: [self, .. others],
            Connections: [.. connections.Select(c => new ConnectionReport(c.Address, c.Outbound, c.State, RouterStatusText.Info(c, status.PeerPassword), null))],
            Targets: [.. router?.Targets ?? []]);
    }

    private static IpamReport Ipam(IpamStatus status) => new(
        status.Paxos,
        status.Range,
        Number(status.RangeNumIPs),
        status.ActiveIPs,
        status.DefaultSubnet,
        [.. status.Entries.Select(e => new RingEntryReport(e.Token, Number(e.Size), e.Peer, e.Nickname ?? "", e.IsKnownPeer, e.Version))],
        [.. status.PendingClaims.Select(PendingClaim)],
        [.. status.PendingAllocates.Select(PendingAllocate)]);

    private static UInt128 Number(string text) => UInt128.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The engine's <c>IDENT CIDR</c> as Weave's <c>{Ident, CIDR: {Addr, PrefixLen}}</c>; an ident has no spaces, an address neither.</summary>
    private static PendingClaimReport PendingClaim(string text)
    {
        var (ident, cidrText) = Split(text);
        return Cidr.TryParse(cidrText, out var cidr, out _)
            ? new PendingClaimReport(ident, new CidrReport(cidr.Address.ToString(), cidr.PrefixLength))
            : new PendingClaimReport(ident, new CidrReport(cidrText, 0));
    }

    /// <summary>The engine's <c>IDENT SUBNET</c> as Weave's <c>IDENT FIRST-LAST</c>.</summary>
    private static string PendingAllocate(string text)
    {
        var (ident, subnet) = Split(text);
        return Cidr.TryParse(subnet, out var cidr, out _) ? $"{ident} {cidr.Range}" : text;
    }

    private static (string Ident, string Tail) Split(string text)
    {
        var space = text.LastIndexOf(' ');
        return space < 0 ? (text, "") : (text[..space], text[(space + 1)..]);
    }

    /// <summary>How a template prints an object: a claimed CIDR as <c>ADDR/PREFIXLEN</c>, as Weave's Go value prints.</summary>
    public static string? Stringer(JsonElement element) =>
        element.TryGetProperty(nameof(CidrReport.Addr), out var addr) && element.TryGetProperty(nameof(CidrReport.PrefixLen), out var prefix)
        && addr.ValueKind == JsonValueKind.String && prefix.ValueKind == JsonValueKind.Number && element.EnumerateObject().Count() == 2
            ? $"{addr.GetString()}/{prefix.GetRawText()}"
            : null;
}
