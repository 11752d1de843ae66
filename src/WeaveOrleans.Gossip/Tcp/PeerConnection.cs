using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// One authenticated connection: a reader, a writer draining a queue (so senders never block on the
/// socket), and a heartbeat that pings when idle and drops the peer when it has gone quiet.
/// </summary>
internal sealed class PeerConnection
{
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly TcpPeerTransportOptions _options;
    private readonly TransportStats _stats;
    private readonly FrameBudget _budget;
    private readonly LogThrottle _dropWarnings;
    private readonly ILogger _logger;
    private readonly Channel<(FrameKind Kind, ReadOnlyMemory<byte> Payload)> _queue =
        Channel.CreateUnbounded<(FrameKind, ReadOnlyMemory<byte>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _queuedBytes;
    private long _lastReceived = Environment.TickCount64;
    private long _lastSent = Environment.TickCount64;
    private string? _closeReason;

    public PeerConnection(Socket socket, NetworkStream network, Hello remote, string remoteAddress, bool dialledBySelf,
        TcpPeerTransportOptions options, TransportStats stats, FrameBudget budget, LogThrottle dropWarnings, ILogger logger)
    {
        _socket = socket;
        _network = network;
        Remote = remote.Name;
        RemoteHello = remote;
        RemoteAddress = remoteAddress;
        DialledBySelf = dialledBySelf;
        _options = options;
        _stats = stats;
        _budget = budget;
        _dropWarnings = dropWarnings;
        _logger = logger;
        Endpoints = (Show(socket.LocalEndPoint), Show(socket.RemoteEndPoint));
    }

    private static string Show(System.Net.EndPoint? ep) =>
        ep is System.Net.IPEndPoint ip ? PeerAddress.Format(ip.Address, ip.Port) : "?";

    /// <summary>The socket's two ends, kept for diagnostics after the socket is gone.</summary>
    internal (string Local, string Remote) Endpoints { get; }

    public PeerName Remote { get; }
    public Hello RemoteHello { get; }
    public string RemoteAddress { get; }
    public bool DialledBySelf { get; }

    /// <summary>When the handshake completed (<see cref="Environment.TickCount64"/>): the oldest connection is the one rotated out at the limit.</summary>
    public long EstablishedAt { get; } = Environment.TickCount64;

    /// <summary>Completes, with the reason set, once every loop has stopped and the socket is closed.</summary>
    public Task Completion => _completion.Task;

    public string CloseReason => _closeReason ?? "closed";

    public Task Start(Action<PeerConnection, byte[]> onMessage, Action<PeerConnection> onClosed) =>
        Task.Run(() => RunAsync(onMessage, onClosed));

    public bool TrySend(FrameKind kind, ReadOnlyMemory<byte> payload)
    {
        if (_stop.IsCancellationRequested) return false;
        if (Interlocked.Add(ref _queuedBytes, payload.Length) > _options.MaxQueuedBytesPerPeer)
        {
            Close($"send queue exceeded {_options.MaxQueuedBytesPerPeer} bytes: the peer is not keeping up");
            return false;
        }
        return _queue.Writer.TryWrite((kind, payload));
    }

    /// <summary>Lets already queued frames (such as a refusal) go out, then closes.</summary>
    public void CloseAfterFlush(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        _queue.Writer.TryComplete();
    }

    public void Close(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        _queue.Writer.TryComplete();
        try { _stop.Cancel(); } catch (ObjectDisposedException) { }
    }

    private async Task RunAsync(Action<PeerConnection, byte[]> onMessage, Action<PeerConnection> onClosed)
    {
        var ct = _stop.Token;
        var loops = new[]
        {
            Guard(() => ReadLoopAsync(onMessage, ct)),
            Guard(() => WriteLoopAsync(ct)),
            Guard(() => HeartbeatLoopAsync(ct)),
        };
        await Task.WhenAny(loops).ConfigureAwait(false);
        Close("closed");
        _socket.Dispose();
        await Task.WhenAll(loops).ConfigureAwait(false);
        _stop.Dispose();
        onClosed(this);
        _completion.TrySetResult();
    }

    /// <summary>Turns whatever ends a loop into a close reason; the first reason recorded wins.</summary>
    private async Task Guard(Func<Task> loop)
    {
        try
        {
            await loop().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (ProtocolException e)
        {
            WarnDropping($"protocol error: {e.Message}");
            Close($"protocol error: {e.Message}");
        }
        catch (EndOfStreamException)
        {
            Close("connection closed by the peer");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close($"connection lost: {e.Message}");
        }
    }

    /// <summary>Without a password anyone can become a peer and misbehave, so these warnings are throttled too.</summary>
    private void WarnDropping(string reason)
    {
        if (!_dropWarnings.TryWarn(out var unsaid))
            _logger.LogDebug("Dropping peer {Peer} at {Address}: {Reason}", Remote, RemoteAddress, reason);
        else if (unsaid == 0)
            _logger.LogWarning("Dropping peer {Peer} at {Address}: {Reason}", Remote, RemoteAddress, reason);
        else
            _logger.LogWarning("Dropping peer {Peer} at {Address}: {Reason} ({Unsaid} more dropped since the last warning)", Remote, RemoteAddress, reason, unsaid);
    }

    private async Task ReadLoopAsync(Action<PeerConnection, byte[]> onMessage, CancellationToken ct)
    {
        var input = new BufferedStream(_network, 64 * 1024);
        while (true)
        {
            var (kind, payload) = await FrameCodec.ReadAsync(input, _options.MaxFrameSize, _stats, ct, _budget).ConfigureAwait(false);
            Volatile.Write(ref _lastReceived, Environment.TickCount64);
            switch (kind)
            {
                case FrameKind.Message:
                    onMessage(this, payload);
                    break;
                case FrameKind.Ping:
                    break;
                case FrameKind.Refuse:
                    Close($"closed by the peer: {Handshake.DecodeReason(payload)}");
                    return;
                default:
                    throw new ProtocolException($"unexpected {kind} frame after the handshake");
            }
        }
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        // Reads and writes share the socket but not a buffer, so each direction gets its own.
        var output = new BufferedStream(_network, 64 * 1024);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (reader.TryRead(out var frame))
            {
                await FrameCodec.WriteAsync(output, frame.Kind, frame.Payload, _stats, ct).ConfigureAwait(false);
                Interlocked.Add(ref _queuedBytes, -frame.Payload.Length);
            }
            await output.FlushAsync(ct).ConfigureAwait(false);
            Volatile.Write(ref _lastSent, Environment.TickCount64);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        var interval = _options.PingInterval;
        var deadAfter = (long)(interval.TotalMilliseconds * _options.MissedPingsBeforeDrop);
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var now = Environment.TickCount64;
            if (now - Volatile.Read(ref _lastReceived) > deadAfter)
            {
                WarnDropping($"nothing heard for {deadAfter} ms");
                Close($"heartbeat timeout: nothing heard for {deadAfter} ms");
                return;
            }
            if (now - Volatile.Read(ref _lastSent) >= (long)interval.TotalMilliseconds)
                TrySend(FrameKind.Ping, ReadOnlyMemory<byte>.Empty);
        }
    }
}
