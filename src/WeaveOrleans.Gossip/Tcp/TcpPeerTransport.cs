using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// Framed TCP between peers: one connection per pair, kept up by per-address dial loops with back-off,
/// authenticated by a shared secret when one is configured.
/// </summary>
public sealed partial class TcpPeerTransport : IPeerTransport
{
    /// <summary>Unauthenticated connections cost memory and a timer each; cap them so a flood cannot.</summary>
    private const int MaxPendingHandshakes = 64;

    /// <summary>No one source may hold more than this many of the slots.</summary>
    private const int MaxPendingPerSource = 8;

    /// <summary>New connections a source may open at once, then per second: plenty for a peer that redials with back-off.</summary>
    private const int AcceptBurstPerSource = 16;
    private const int AcceptsPerSecondPerSource = 8;

    private readonly TcpPeerTransportOptions _options;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly byte[]? _secret;
    private readonly Channel<PeerEvent> _events = Channel.CreateUnbounded<PeerEvent>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _lock = new();
    private readonly Dictionary<PeerName, PeerConnection> _connections = [];
    private readonly Dictionary<string, DialTarget> _targets = [];
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly HandshakeAdmission _admission = new(MaxPendingHandshakes, MaxPendingPerSource, AcceptBurstPerSource, AcceptsPerSecondPerSource);
    private readonly FrameBudget _frameBudget;
    private readonly RefusalLog _refusals;
    private readonly LogThrottle _dropWarnings = new(TimeSpan.FromSeconds(10));
    private Socket? _listener;
    private Handshake? _handshake;
    private bool _started;
    private bool _disposed;

    public TcpPeerTransport(PeerName self, TcpPeerTransportOptions options, Random? random = null, ILogger? logger = null)
    {
        if (self == PeerName.None || self.Value > PeerName.MaxValue) throw new ArgumentOutOfRangeException(nameof(self));
        options.Validate();
        Self = self;
        _options = options;
        _random = random ?? new Random();
        _logger = logger ?? NullLogger.Instance;
        _secret = string.IsNullOrEmpty(options.Password) ? null : Encoding.UTF8.GetBytes(options.Password);
        _frameBudget = new FrameBudget(options.MaxFrameBytesInFlight, Stats);
        _refusals = new RefusalLog(_logger, Stats, TimeSpan.FromSeconds(10));
    }

    public PeerName Self { get; }

    public ChannelReader<PeerEvent> Events => _events.Reader;

    public TransportStats Stats { get; } = new();

    /// <summary>The bound listen address, known once started (useful with port 0).</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>Inbound connections still in their handshake (at most 64).</summary>
    internal int PendingHandshakes => _admission.Pending;

    public IReadOnlyCollection<PeerName> ConnectedPeers
    {
        get { lock (_lock) return [.. _connections.Keys]; }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        KeyValuePair<string, DialTarget>[] targets;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started) throw new InvalidOperationException("already started");
            var listener = new Socket(_options.ListenEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // A restarted host must be able to take its port back while old connections sit in TIME_WAIT.
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Bind(_options.ListenEndPoint);
                listener.Listen(128);
            }
            catch
            {
                listener.Dispose();
                throw;
            }
            _listener = listener;
            _handshake = new Handshake(Self, LocalEndPoint!.Port, _options.Nickname, _secret, _options.ProtocolVersion, Stats);
            _started = true;
            targets = [.. _targets];
        }
        _logger.LogInformation("Peer {Self} listening on {EndPoint}", Self, LocalEndPoint);
        Track(AcceptLoopAsync(_listener, _stopping.Token));
        foreach (var t in targets) Track(DialLoopAsync(t.Key, t.Value, _stopping.Token));
        if (_options.ConnectionLimit > 0 && _options.ConnectionRotationInterval > TimeSpan.Zero)
            Track(RotateLoopAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    /// <exception cref="ArgumentException">The payload is larger than <see cref="TcpPeerTransportOptions.MaxFrameSize"/>.</exception>
    public bool Send(PeerName to, ReadOnlyMemory<byte> payload)
    {
        CheckSize(payload);
        PeerConnection? connection;
        lock (_lock) _connections.TryGetValue(to, out connection);
        // Copied because the caller may reuse its buffer before the writer gets to it.
        return connection is not null && connection.TrySend(FrameKind.Message, payload.ToArray());
    }

    public int Broadcast(ReadOnlyMemory<byte> payload)
    {
        CheckSize(payload);
        PeerConnection[] connections;
        lock (_lock) connections = [.. _connections.Values];
        var copy = payload.ToArray();
        return connections.Count(c => c.TrySend(FrameKind.Message, copy));
    }

    public async ValueTask DisposeAsync()
    {
        PeerConnection[] connections;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            connections = [.. _connections.Values];
        }
        _stopping.Cancel();
        _listener?.Dispose();
        foreach (var c in connections) c.Close("transport disposed");
        while (!_running.IsEmpty)
        {
            var tasks = _running.Keys.ToArray();
            await Task.WhenAll(tasks).ConfigureAwait(false);
            foreach (var t in tasks) _running.TryRemove(t, out _);
        }
        await Task.WhenAll(connections.Select(c => c.Completion)).ConfigureAwait(false);
        _events.Writer.TryComplete();
        _stopping.Dispose();
        _admission.Dispose();
        _frameBudget.Dispose();
    }

    private void CheckSize(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > _options.MaxFrameSize)
            throw new ArgumentException($"payload of {payload.Length} bytes exceeds the frame limit of {_options.MaxFrameSize}", nameof(payload));
    }

    /// <summary>Every background task is tracked so dispose can wait for all of them to stop.</summary>
    private void Track(Task task)
    {
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private void Report(PeerEvent e) => _events.Writer.TryWrite(e);
}
