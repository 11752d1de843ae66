using System.Threading.Channels;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip;

/// <summary>
/// Carries opaque payloads between named peers over direct connections. The transport never relays:
/// a payload reaches only peers this host is connected to, and the IPAM engine re-broadcasts what changed.
/// </summary>
public interface IPeerTransport : IAsyncDisposable
{
    PeerName Self { get; }

    /// <summary>Inputs for the host: connections, disconnections, payloads, refusals. Completed on dispose.</summary>
    ChannelReader<PeerEvent> Events { get; }

    IReadOnlyCollection<PeerName> ConnectedPeers { get; }

    /// <summary>Connections and dial targets by state, read at any time (for metrics).</summary>
    ConnectionCounts Connections { get; }

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Keeps a connection to <paramref name="hostPort"/>, redialling with back-off whenever it drops.</summary>
    void Connect(string hostPort);

    /// <summary>
    /// Tries an address a connected peer advertised. Unlike <see cref="Connect"/>, what a peer says is
    /// not trusted: such targets are bounded in number, forgotten when they keep failing, and not
    /// passed on to other peers until they have answered.
    /// </summary>
    void ConnectLearned(string hostPort);

    /// <summary>
    /// Stops dialling <paramref name="hostPort"/>; a connection that is up stays up until it drops
    /// (as in Weave). False when it was no target.
    /// </summary>
    bool Forget(string hostPort);

    /// <summary>Connections and not-connected dial targets, one entry each (Weave's connection list).</summary>
    IReadOnlyList<ConnectionEntry> ConnectionList { get; }

    /// <summary>Queues a payload for one directly connected peer; false when there is no such connection.</summary>
    bool Send(PeerName to, ReadOnlyMemory<byte> payload);

    /// <summary>Queues a payload for every directly connected peer; returns how many it was queued for.</summary>
    int Broadcast(ReadOnlyMemory<byte> payload);
}
