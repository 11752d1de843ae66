using System.Globalization;
using System.Text;

namespace WeaveOrleans.HttpApi;

/// <summary>Weave's text for <c>/status/targets</c>, <c>/status/connections</c>, <c>/status/peers</c> and the router lines of <c>/status</c>.</summary>
internal static class RouterStatusText
{
    /// <summary>One target per line.</summary>
    public static string Targets(IPeerRouter router) => Lines(router.Targets);

    /// <summary>
    /// <c>-&gt; address state info</c>, padded as Weave pads them. Info is the overlay ("none": the
    /// peer port carries no data plane) and the remote peer for a connection, the error and retry time
    /// for a failed target. WeaveOrleans has no connection attributes, so each line ends in the space
    /// that in Weave precedes them.
    /// </summary>
    public static string Connections(IPeerRouter router, bool password) =>
        Lines(router.Connections.Select(c =>
            $"{Arrow(c)} {c.Address,-21} {c.State,-11} {Info(c, password)} "));

    /// <summary>
    /// This peer with its connections, then each peer it is connected to. Only this peer's side of
    /// each link is known here (Weave also lists what every other peer reported).
    /// </summary>
    public static string Peers(IPeerRouter router, string self)
    {
        var text = new StringBuilder();
        text.Append(self).Append('\n');
        var live = router.Connections.Where(c => c.PeerName is not null).ToList();
        foreach (var c in live)
            text.Append(CultureInfo.InvariantCulture, $"   {Arrow(c)} {c.Address,-21} {Name(c),-37} {c.State}\n");
        foreach (var c in live.DistinctBy(c => c.PeerName).OrderBy(c => c.PeerName, StringComparer.Ordinal))
            text.Append(Name(c)).Append('\n');
        return text.ToString();
    }

    /// <summary>Weave's <c>Connections:</c> value: the total, then the states that occur in Weave's order.</summary>
    public static string ConnectionsLine(IReadOnlyList<RouterConnection> connections)
    {
        if (connections.Count == 0)
            return "0";
        var parts = new[] { "established", "pending", "retrying", "failed", "connecting" }
            .Select(s => (State: s, Count: connections.Count(c => c.State == s)))
            .Where(p => p.Count > 0)
            .Select(p => $"{p.Count} {p.State}");
        return $"{connections.Count} ({string.Join(", ", parts)})";
    }

    /// <summary>Weave's <c>Peers:</c> value: this peer and those it is connected to, with the connections this peer holds.</summary>
    public static string PeersLine(IReadOnlyList<RouterConnection> connections)
    {
        var established = connections.Count(c => c.PeerName is not null);
        var peers = 1 + connections.Where(c => c.PeerName is not null).Select(c => c.PeerName).Distinct().Count();
        return established == 0 ? peers.ToString(CultureInfo.InvariantCulture) : $"{peers} (with {established} established connections)";
    }

    private static string Arrow(RouterConnection c) => c.Outbound ? "->" : "<-";

    internal static string Name(RouterConnection c) => Contract.Text.IpamText.PeerLabel(c.PeerName ?? "", c.Nickname);

    /// <summary>The Info column of <c>/status/connections</c> (also the report's).</summary>
    internal static string Info(RouterConnection c, bool password) => c.State switch
    {
        "established" => (password ? $"{"unencrypted",-11} " : "") + $"{"none",-6} {Name(c)}",
        "failed" => $"{c.Error ?? "failed"}, retry: {(c.RetryAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) : "never")}",
        "retrying" => c.Error ?? "",
        _ => "",
    };

    private static string Lines(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
            text.Append(line).Append('\n');
        return text.ToString();
    }
}
