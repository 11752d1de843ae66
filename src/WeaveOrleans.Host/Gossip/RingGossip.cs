using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WeaveOrleans.Gossip;
using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Pools;

namespace WeaveOrleans.Host.Gossip;

/// <summary>
/// Owns this host's peer transport: dials the launch peers and the peer addresses learned when a
/// connection comes up, hands every connection change and message to the host allocator grain (one
/// at a time, in arrival order) and carries the grain's outgoing messages. The ring crosses hosts only
/// here, never through Orleans. Starts when the silo becomes active and stops before grains go.
/// </summary>
/// <remarks>The engine sends ring deltas against the stamps each peer has acknowledged, and the whole ring to any other.</remarks>
public sealed partial class RingGossip : IPeerMessenger, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IPeerTransport _transport;
    private readonly IGrainFactory _grains;
    private readonly HostOptions _options;
    private readonly GossipStats _stats;
    private readonly ILogger<RingGossip> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public RingGossip(IPeerTransport transport, IGrainFactory grains, HostOptions options, GossipStats stats, ILogger<RingGossip> logger)
    {
        _transport = transport;
        _grains = grains;
        _options = options;
        _stats = stats;
        _logger = logger;
    }

    private IHostAllocatorGrain Grain => _grains.GetGrain<IHostAllocatorGrain>(_options.HostKey);

    public IReadOnlyCollection<string> ConnectedPeers => [.. _transport.ConnectedPeers.Select(p => p.ToString())];

    /// <summary>True once the allocator is activated (its state restored) and the peer port listens.</summary>
    public bool Started { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RingGossip), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellation)
    {
        await _transport.StartAsync(cancellation);
        // Activate the allocator now rather than on the first message: it runs the timers.
        await Grain.Status();
        foreach (var peer in _options.Peers)
            Dial(peer);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        Started = true;
    }

    private async Task StopAsync(CancellationToken cancellation)
    {
        await _stopping.CancelAsync();
        try
        {
            await _loop.WaitAsync(cancellation);
        }
        catch (OperationCanceledException)
        {
        }
        await _transport.DisposeAsync();
    }

    /// <summary>Asks the transport to keep a connection to <paramref name="hostPort"/> (the transport keeps one dial loop per address).</summary>
    public void Dial(string hostPort)
    {
        // Peers advertise every address they know, ours included: dialling it only earns a refusal.
        if (IsOwnAddress(hostPort))
            return;
        try
        {
            _transport.Connect(hostPort);
        }
        catch (ArgumentException e)
        {
            LogBadAddress(hostPort, e.Message);
        }
    }

    /// <summary>Stops dialling <paramref name="hostPort"/>; a connection that is up stays until it drops.</summary>
    public void Forget(string hostPort) => _transport.Forget(hostPort);

    private bool IsOwnAddress(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(hostPort.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port != _options.ListenPort)
            return false;
        var host = hostPort[..colon].Trim('[', ']');
        if (host == _options.ListenHost || host is "localhost")
            return true;
        if (!System.Net.IPAddress.TryParse(host, out var ip))
            return false;
        if (System.Net.IPAddress.IsLoopback(ip))
            return true;
        // Listening on every interface: any address of this host is ours.
        return _options.ListenHost is "0.0.0.0" or "::"
            && System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses).Any(a => a.Address.Equals(ip));
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var e in _transport.Events.ReadAllAsync(stopping))
            {
                try
                {
                    await HandleAsync(e);
                }
                catch (Exception error) when (error is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    LogDeliveryFailed(e.GetType().Name, error);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private Task HandleAsync(PeerEvent e)
    {
        switch (e)
        {
            case PeerConnected connected:
                LogConnected(connected.Peer.ToString(), connected.RemoteAddress);
                // What a peer says it knows is not trusted: the transport bounds and forgets these.
                foreach (var address in connected.PeerAddressesItKnows)
                    if (!IsOwnAddress(address))
                        _transport.ConnectLearned(address);
                return Grain.PeerConnected(connected.Peer);
            case PeerDisconnected disconnected:
                LogDisconnected(disconnected.Peer.ToString());
                return Grain.PeerDisconnected(disconnected.Peer);
            case MessageReceived message:
                _stats.Received(MessageCodec.KindOf(message.Payload.Span), message.Payload.Length);
                if (PoolOf(message.Payload.Span) is { } pool && pool != _options.Pool)
                {
                    // A pool this host does not serve (a newer peer's); the default pool's allocator must not read it.
                    LogOtherPool(message.From.ToString(), pool.ToString());
                    return Task.CompletedTask;
                }
                return Grain.Receive(message.From, message.Payload.ToArray());
            case ConnectionRefused refused:
                LogRefused(refused.Remote, refused.Reason);
                return Task.CompletedTask;
            default:
                return Task.CompletedTask;
        }
    }

    /// <summary>The pool named in a message's header; null when the header is malformed (the allocator reports that).</summary>
    private static PoolId? PoolOf(ReadOnlySpan<byte> payload)
    {
        try
        {
            return MessageCodec.PoolOf(payload);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    public bool Send(string peer, byte[] payload, string kind)
    {
        if (!PeerName.TryParse(peer, out var to, out _))
            return false;
        var sent = _transport.Send(to, payload);
        if (sent)
            _stats.Sent(kind, payload.Length);
        return sent;
    }

    [LoggerMessage(LogLevel.Information, "Connected to peer {Peer} at {Address}")]
    private partial void LogConnected(string peer, string address);

    [LoggerMessage(LogLevel.Debug, "Dropped a message from {Peer} for pool {Pool}, which this host does not serve")]
    private partial void LogOtherPool(string peer, string pool);

    [LoggerMessage(LogLevel.Information, "Disconnected from peer {Peer}")]
    private partial void LogDisconnected(string peer);

    // The transport warns (rate-limited) and counts refusals; a second line per refusal here would undo that.
    [LoggerMessage(LogLevel.Debug, "Connection to {Remote} refused: {Reason}")]
    private partial void LogRefused(string remote, string reason);

    [LoggerMessage(LogLevel.Warning, "Ignoring peer address {Address}: {Reason}")]
    private partial void LogBadAddress(string address, string reason);

    [LoggerMessage(LogLevel.Error, "Could not hand a {Event} to the host allocator")]
    private partial void LogDeliveryFailed(string @event, Exception error);
}
