namespace WeaveOrleans.Gossip;

/// <summary>
/// A transport's connections by state, in Weave's terms, and how many established connections have
/// ended since it started. Every dial target not currently connected is in exactly one of
/// <see cref="Connecting"/>, <see cref="Retrying"/> or <see cref="Failed"/>.
/// </summary>
/// <param name="Established">Authenticated connections serving a peer.</param>
/// <param name="Pending">Connections whose handshake is under way, in either direction.</param>
/// <param name="Connecting">Targets being dialled for the first time.</param>
/// <param name="Retrying">Targets being dialled again after a failure or a dropped connection.</param>
/// <param name="Failed">Targets waiting out the back-off after a failure, or given up for good.</param>
/// <param name="Terminations">Established connections that have closed, for whatever reason.</param>
/// <param name="Refused">Incoming connections refused before or during the handshake (rate limits, bad or wrong proofs).</param>
public readonly record struct ConnectionCounts(
    int Established,
    int Pending = 0,
    int Connecting = 0,
    int Retrying = 0,
    int Failed = 0,
    long Terminations = 0,
    long Refused = 0);
