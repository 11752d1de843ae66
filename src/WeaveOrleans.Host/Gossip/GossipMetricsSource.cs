using WeaveOrleans.Gossip;
using WeaveOrleans.HttpApi;

namespace WeaveOrleans.Host.Gossip;

/// <summary>Feeds RingGossip's per-kind counters and the peer transport's connection states to <c>/metrics</c>.</summary>
public sealed class GossipMetricsSource(GossipStats stats, IPeerTransport transport) : IGossipMetricsSource
{
    public IReadOnlyCollection<GossipKindCounters> Snapshot() =>
        [.. stats.Snapshot().Select(kv => new GossipKindCounters(kv.Key, kv.Value.MessagesSent, kv.Value.BytesSent, kv.Value.MessagesReceived, kv.Value.BytesReceived))];

    public PeerConnectionCounts Connections()
    {
        var c = transport.Connections;
        return new PeerConnectionCounts(c.Established, c.Pending, c.Connecting, c.Retrying, c.Failed, c.Terminations, c.Refused);
    }
}
