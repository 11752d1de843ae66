using System.Net;
using WeaveOrleans.Gossip.Tcp;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Gossip.Tests.Tcp;

/// <summary>A started loopback transport with its event probe and log, stopped on dispose.</summary>
internal sealed class TcpNode : IAsyncDisposable
{
    private TcpNode(TcpPeerTransport transport, CollectingLogger log)
    {
        Transport = transport;
        Log = log;
        Events = new EventProbe(transport.Events);
    }

    public TcpPeerTransport Transport { get; }
    public EventProbe Events { get; }
    public CollectingLogger Log { get; }
    public PeerName Name => Transport.Self;
    public int Port => Transport.LocalEndPoint!.Port;
    public string Address => $"127.0.0.1:{Port}";

    public static TcpPeerTransportOptions Options(int port = 0, string? password = null, int maxFrameSize = 16 * 1024 * 1024,
        byte version = WireProtocol.Version, TimeSpan? pingInterval = null) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, port),
        Nickname = "test",
        Password = password,
        MaxFrameSize = maxFrameSize,
        ProtocolVersion = version,
        // Generous: two cores running test classes in parallel must not look like dead peers.
        PingInterval = pingInterval ?? TimeSpan.FromSeconds(1),
        MissedPingsBeforeDrop = 3,
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        HandshakeTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    public static Task<TcpNode> StartAsync(PeerName name, string? password = null, int port = 0, int maxFrameSize = 16 * 1024 * 1024,
        byte version = WireProtocol.Version, TimeSpan? pingInterval = null) =>
        StartAsync(name, Options(port, password, maxFrameSize, version, pingInterval));

    public static async Task<TcpNode> StartAsync(PeerName name, TcpPeerTransportOptions options)
    {
        var log = new CollectingLogger();
        var transport = new TcpPeerTransport(name, options, new Random(42), log);
        await transport.StartAsync(CancellationToken.None);
        return new TcpNode(transport, log);
    }

    public ValueTask DisposeAsync() => Transport.DisposeAsync();
}
