using System.Globalization;
using System.Text;
using WeaveOrleans.Contract.Text;
using WeaveOrleans.Grains;
using WeaveOrleans.Contract;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi;

/// <summary>The plain-text bodies of <c>GET /status</c> and <c>GET /status/ipam</c>.</summary>
internal static class StatusText
{
    /// <summary>
    /// Weave's block with Weave's keys (Version; a router section with Name, Encryption,
    /// PeerDiscovery, Targets, Connections, Peers; an IPAM section whose <c>Status:</c> line carries
    /// the allocator's one-line state), plus lines of WeaveOrleans' own (Unreachable, Docker,
    /// Consensus, Pending, RejectedMerges). Without a router only the grain's view is shown.
    /// </summary>
    public static string Block(IpamStatus status, IPeerRouter? router)
    {
        var text = new StringBuilder();
        Line(text, "Version", $"{WeaveVersion.Current} (version check update disabled)");
        text.Append('\n');
        Line(text, "Service", "router");
        Line(text, "Name", Name(status));
        Line(text, "Encryption", status.PeerSecurity);
        if (router is null)
            Line(text, "Connections", status.ConnectedPeers.Length.ToString(CultureInfo.InvariantCulture));
        else
        {
            var connections = router.Connections;
            Line(text, "PeerDiscovery", router.PeerDiscovery ? "enabled" : "disabled");
            Line(text, "Targets", router.Targets.Count.ToString(CultureInfo.InvariantCulture));
            Line(text, "Connections", RouterStatusText.ConnectionsLine(connections));
            Line(text, "Peers", RouterStatusText.PeersLine(connections));
        }
        if (status.UnreachablePeers > 0)
            Line(text, "Unreachable", string.Create(CultureInfo.InvariantCulture,
                $"{status.UnreachablePeers} peer(s) owning ring ranges ({status.UnreachablePercentage:0.0}% of the range)"));
        if (status.Docker is { } docker)
            Line(text, "Docker", docker);
        text.Append('\n');
        Line(text, "Service", "ipam");
        Line(text, "Status", status.Line);
        Line(text, "Range", status.Range);
        Line(text, "DefaultSubnet", status.DefaultSubnet);
        if (status.Paxos is { } paxos)
            Line(text, "Consensus", string.Create(CultureInfo.InvariantCulture,
                $"{(paxos.Elector ? "elector" : "observer")} (quorum: {paxos.Quorum}, known: {paxos.KnownNodes})"));
        if (status.PendingAllocates.Length > 0 || status.PendingClaims.Length > 0)
            Line(text, "Pending", string.Create(CultureInfo.InvariantCulture,
                $"{status.PendingAllocates.Length} allocations, {status.PendingClaims.Length} claims"));
        if (status.RejectedMerges > 0)
            Line(text, "RejectedMerges", string.Create(CultureInfo.InvariantCulture,
                $"{status.RejectedMerges} (last: {OneLine.Of(status.LastMergeError ?? "unknown")})"));
        return text.ToString();
    }

    /// <summary>The peer as Weave names it in status: <c>name(nickname)</c>.</summary>
    public static string Name(IpamStatus status) => IpamText.PeerLabel(status.PeerName, status.Nickname);

    /// <summary><c>weave status ipam</c>: one line per peer; empty while there is no ring.</summary>
    public static string RangeReport(IpamStatus status) => IpamText.Body(status.RangeReport);

    private static void Line(StringBuilder text, string label, string value) =>
        text.Append(CultureInfo.InvariantCulture, $"{label,15}: {value}\n");
}
