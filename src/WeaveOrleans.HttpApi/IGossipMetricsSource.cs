namespace WeaveOrleans.HttpApi;

/// <summary>
/// Optional DI service: when registered, <c>GET /metrics</c> also exports
/// <c>weave_gossip_messages_total{kind,direction}</c> and <c>weave_gossip_bytes_total{kind,direction}</c>
/// (direction is "sent" or "received"), <c>weave_connections{state}</c> and
/// <c>weave_connection_terminations_total</c>. The message, byte and termination figures must be
/// running totals that never go down, as a peer transport's counters are.
/// </summary>
public interface IGossipMetricsSource
{
    /// <summary>One entry per message kind, read at scrape time; kinds with no traffic may be left out.</summary>
    IReadOnlyCollection<GossipKindCounters> Snapshot();

    /// <summary>The peer transport's connections by state, read at scrape time.</summary>
    PeerConnectionCounts Connections();
}

/// <summary>Running totals for one message kind (the kind's name becomes the <c>kind</c> label).</summary>
public readonly record struct GossipKindCounters(
    string Kind,
    long MessagesSent,
    long BytesSent,
    long MessagesReceived,
    long BytesReceived);

/// <summary>Connections in each of Weave's states (the <c>state</c> label), established connections that ended, and incoming ones refused.</summary>
public readonly record struct PeerConnectionCounts(
    int Established,
    int Pending,
    int Connecting,
    int Retrying,
    int Failed,
    long Terminations,
    long Refused = 0);
