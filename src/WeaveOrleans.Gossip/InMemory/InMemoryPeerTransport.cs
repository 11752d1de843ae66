using System.Threading.Channels;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.InMemory;

/// <summary>A host's view of an <see cref="InMemoryPeerNetwork"/>; create one with <see cref="InMemoryPeerNetwork.CreateTransport"/>.</summary>
public sealed class InMemoryPeerTransport : IPeerTransport
{
    private readonly InMemoryPeerNetwork _network;
    private readonly Channel<PeerEvent> _events = Channel.CreateUnbounded<PeerEvent>();

    internal InMemoryPeerTransport(InMemoryPeerNetwork network, PeerName self, string address)
    {
        _network = network;
        Self = self;
        Address = address;
    }

    public PeerName Self { get; }

    /// <summary>The address other transports pass to <see cref="Connect"/> to reach this one.</summary>
    public string Address { get; }

    public ChannelReader<PeerEvent> Events => _events.Reader;

    public IReadOnlyCollection<PeerName> ConnectedPeers => _network.LinkedPeers(Self);

    /// <summary>Links come and go at once here: there is nothing pending, retrying or failed to count.</summary>
    public ConnectionCounts Connections => new(ConnectedPeers.Count);

    internal HashSet<string> Targets { get; } = [];
    internal bool Started { get; set; }
    internal bool Disposed { get; set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _network.Start(this);
        return Task.CompletedTask;
    }

    public void Connect(string hostPort) => _network.Connect(this, hostPort);

    /// <summary>In memory an address names a transport that exists, so there is nothing to guard against.</summary>
    public void ConnectLearned(string hostPort) => Connect(hostPort);

    public bool Forget(string hostPort) => _network.Forget(this, hostPort);

    public IReadOnlyList<ConnectionEntry> ConnectionList =>
        [.. ConnectedPeers.Select(p => new ConnectionEntry(true, p.ToString(), "established", p))];

    public bool Send(PeerName to, ReadOnlyMemory<byte> payload) => _network.Send(this, to, payload);

    public int Broadcast(ReadOnlyMemory<byte> payload) => _network.Broadcast(this, payload);

    public ValueTask DisposeAsync()
    {
        _network.Remove(this);
        _events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <summary>Called only under the network's lock, which is what keeps every link's events in order.</summary>
    internal void Deliver(PeerEvent e) => _events.Writer.TryWrite(e);
}
