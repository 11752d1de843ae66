using WeaveOrleans.HttpApi;

namespace WeaveOrleans.Host.Gossip;

/// <summary>Feeds RingGossip's per-kind counters to <c>/metrics</c>.</summary>
public sealed class GossipMetricsSource(GossipStats stats) : IGossipMetricsSource
{
    public IReadOnlyCollection<GossipKindCounters> Snapshot() =>
        [.. stats.Snapshot().Select(kv => new GossipKindCounters(kv.Key, kv.Value.MessagesSent, kv.Value.BytesSent, kv.Value.MessagesReceived, kv.Value.BytesReceived))];
}
