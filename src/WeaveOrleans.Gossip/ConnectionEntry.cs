using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip;

/// <summary>
/// One line of Weave's connection list: a live connection (established), or a dial target that is
/// not connected (pending, connecting, retrying or failed).
/// </summary>
/// <param name="Outbound">Dialled by this peer (Weave's <c>-&gt;</c>), or accepted from the other (<c>&lt;-</c>).</param>
/// <param name="Address">host:port: the target as given, or where a connected peer can be dialled.</param>
/// <param name="State">established, pending, connecting, retrying or failed.</param>
/// <param name="Peer">The peer at the other end, once its handshake is done.</param>
/// <param name="Error">Why the last try failed, for a failed or retrying target.</param>
/// <param name="RetryAt">When a failed target is tried again; null when it never will be.</param>
public sealed record ConnectionEntry(
    bool Outbound,
    string Address,
    string State,
    PeerName? Peer = null,
    string? Nickname = null,
    string? Error = null,
    DateTimeOffset? RetryAt = null);
