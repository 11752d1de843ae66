namespace WeaveOrleans.Grains;

/// <summary>
/// How the host allocator reaches other hosts: RingGossip implements it over the peer transport.
/// Calls only queue the payload; they never block on the network.
/// </summary>
public interface IPeerMessenger
{
    /// <summary>Peers directly connected right now (peer names as text).</summary>
    IReadOnlyCollection<string> ConnectedPeers { get; }

    /// <summary>Queues <paramref name="payload"/> for one connected peer; false when it is not connected.</summary>
    /// <param name="kind">The message kind, for per-kind counters.</param>
    bool Send(string peer, byte[] payload, string kind);
}

/// <summary>A messenger that drops everything: a host with no peer transport (and unit tests).</summary>
public sealed class NullPeerMessenger : IPeerMessenger
{
    public static readonly NullPeerMessenger Instance = new();

    public IReadOnlyCollection<string> ConnectedPeers => [];

    public bool Send(string peer, byte[] payload, string kind) => false;
}
