namespace WeaveOrleans.HttpApi;

/// <summary>
/// Optional DI service: when registered, <c>GET /metrics</c> also exports
/// <c>weave_gossip_messages_total{kind,direction}</c> and <c>weave_gossip_bytes_total{kind,direction}</c>
/// (direction is "sent" or "received"). The values must be running totals that never go down, as a
/// peer transport's per-kind frame counters are.
/// </summary>
public interface IGossipMetricsSource
{
    /// <summary>One entry per message kind, read at scrape time; kinds with no traffic may be left out.</summary>
    IReadOnlyCollection<GossipKindCounters> Snapshot();
}

/// <summary>Running totals for one message kind (the kind's name becomes the <c>kind</c> label).</summary>
public readonly record struct GossipKindCounters(
    string Kind,
    long MessagesSent,
    long BytesSent,
    long MessagesReceived,
    long BytesReceived);
