using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>Accepting, dialling, handshaking and the choice of which of two duplicate connections survives.</summary>
public sealed partial class TcpPeerTransport
{
    private enum DialOutcome { Connected, Duplicate, Failed, GiveUp }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // One failed accept (e.g. the client reset first) must not stop the listener.
                _logger.LogDebug("Accept failed: {Error}", e.SocketErrorCode);
                continue;
            }
            var refusal = "no remote address";
            var slot = socket.RemoteEndPoint is IPEndPoint source ? _admission.TryAdmit(source.Address, out refusal) : null;
            if (slot is null)
            {
                var remote = PeerAddress.Describe(socket);
                socket.Dispose();
                Refused("from", remote, refusal);
                continue;
            }
            Track(AcceptOneAsync(socket, slot, ct));
        }
    }

    private async Task AcceptOneAsync(Socket socket, HandshakeAdmission.Slot slot, CancellationToken ct)
    {
        var remote = PeerAddress.Describe(socket);
        PeerConnection? connection;
        using (slot)
            (connection, _, _) = await HandshakeAsync(socket, remote, dialled: false, slot, ct).ConfigureAwait(false);
        if (connection is not null)
        {
            _admission.MarkKnown(slot.Source);
            Register(connection);
        }
    }

    private async Task DialLoopAsync(string hostPort, DialTarget target, CancellationToken ct)
    {
        Interlocked.Increment(ref _dialLoops);
        try
        {
            await DialUntilForgottenAsync(hostPort, target, ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _dialLoops);
        }
    }

    private int _dialLoops;

    /// <summary>Dial loops running now (one per target; a forgotten target's loop ends at its next turn).</summary>
    internal int DialLoops => Volatile.Read(ref _dialLoops);

    private async Task DialUntilForgottenAsync(string hostPort, DialTarget target, CancellationToken ct)
    {
        PeerAddress.TryParse(hostPort, out var address);
        var backoff = new ReconnectBackoff(_options.InitialBackoff, _options.MaxBackoff, _random);
        var failedBefore = false;
        string? lastError = null;
        while (!ct.IsCancellationRequested && IsCurrent(hostPort, target))
        {
            SetTarget(hostPort, target, failedBefore ? TargetState.Retrying : TargetState.Connecting, lastError);
            var (outcome, connection, error) = await DialOnceAsync(address, hostPort, target, ct).ConfigureAwait(false);
            lastError = error;
            if (outcome is (DialOutcome.Failed or DialOutcome.GiveUp) && ForgetAfterFailure(hostPort, outcome == DialOutcome.GiveUp))
            {
                // A configured peer that refused for good stays listed as failed (never retried); a
                // forgotten learned address is no target any more.
                lock (_lock)
                {
                    if (_targets.TryGetValue(hostPort, out var current) && current == target)
                        _targetStates[hostPort] = new TargetStatus(TargetState.Failed, error, null);
                    else if (!_targets.ContainsKey(hostPort))
                        _targetStates.Remove(hostPort);
                }
                return;
            }
            if (connection is not null)
            {
                Answered(hostPort);
                // Up (ours or a duplicate's survivor): nothing to do until it drops, then redial promptly.
                SetTarget(hostPort, target, TargetState.Connected);
                backoff.Reset();
                await connection.Completion.WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                lastError = connection.CloseReason is { Length: > 0 } reason ? $"connection closed: {reason}" : "connection closed";
            }
            // Weave's word for a target waiting out its back-off after an error or a dropped connection.
            failedBefore = true;
            var wait = backoff.Next();
            SetTarget(hostPort, target, TargetState.Failed, lastError, DateTimeOffset.UtcNow + wait);
            try
            {
                await target.WaitAsync(wait, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<(DialOutcome, PeerConnection?, string? Error)> DialOnceAsync(PeerAddress address, string hostPort, DialTarget target, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.ConnectTimeout);
            await socket.ConnectAsync(address.Host, address.Port, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            var error = e is SocketException se ? $"dial tcp {hostPort}: {se.Message.ToLowerInvariant()}" : $"dial tcp {hostPort}: timed out";
            if (!ct.IsCancellationRequested)
                _logger.LogDebug("Dial {Address} failed: {Error}", hostPort, error);
            return (DialOutcome.Failed, null, error);
        }

        SetTarget(hostPort, target, TargetState.Pending);
        var (connection, permanent, reason) = await HandshakeAsync(socket, hostPort, dialled: true, null, ct).ConfigureAwait(false);
        if (connection is null) return (permanent ? DialOutcome.GiveUp : DialOutcome.Failed, null, reason);
        if (socket.RemoteEndPoint is IPEndPoint peer) _admission.MarkKnown(peer.Address);
        var survivor = Register(connection);
        return survivor is null ? (DialOutcome.Failed, null, _disposed ? "transport stopping" : ConnectionLimitReached)
            : (survivor == connection ? DialOutcome.Connected : DialOutcome.Duplicate, survivor, null);
    }

    /// <summary>Runs the handshake under a deadline; any failure is logged and reported, never thrown.</summary>
    /// <param name="slot">An inbound connection's handshake slot: when a newer connection takes it, this handshake ends.</param>
    private async Task<(PeerConnection? Connection, bool Permanent, string? Reason)> HandshakeAsync(Socket socket, string remote, bool dialled, HandshakeAdmission.Slot? slot, CancellationToken ct)
    {
        socket.NoDelay = true;
        var network = new NetworkStream(socket, ownsSocket: false);
        string reason;
        var permanent = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, slot?.Shedding ?? CancellationToken.None);
        timeout.CancelAfter(_options.HandshakeTimeout);
        try
        {
            var hello = await _handshake!.RunAsync(network, KnownAddresses(), dialled, timeout.Token).ConfigureAwait(false);
            var address = dialled ? remote : PeerAddress.Format(((IPEndPoint)socket.RemoteEndPoint!).Address, hello.ListenPort);
            return (new PeerConnection(socket, network, hello, address, dialled, _options, Stats, _frameBudget, _dropWarnings, _logger), false, null);
        }
        catch (HandshakeRefusedException e)
        {
            reason = e.Message;
            permanent = e.Permanent;
        }
        catch (ProtocolException e)
        {
            reason = $"protocol error: {e.Message}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            reason = slot is { WasShed: true } ? "handshake slot taken by a newer connection" : "handshake timed out";
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            return (null, false, "transport stopping");
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or ObjectDisposedException)
        {
            reason = "connection closed during the handshake";
        }
        socket.Dispose();
        Refused(dialled ? "to" : "from", remote, reason);
        return (null, permanent, reason);
    }

    private void Refused(string direction, string remote, string reason)
    {
        _refusals.Refused(direction, remote, reason);
        Report(new ConnectionRefused(remote, reason));
    }

    /// <summary>
    /// Keeps one connection per peer. When both sides dialled, each side independently keeps the one
    /// dialled by the lower peer name, so both keep the same one without a further round trip.
    /// Returns the connection that now serves the peer, or null when the transport is shutting down or
    /// already holds <see cref="TcpPeerTransportOptions.ConnectionLimit"/> connections.
    /// </summary>
    private PeerConnection? Register(PeerConnection connection)
    {
        PeerConnection? superseded = null;
        lock (_lock)
        {
            if (_disposed)
            {
                Reject(connection, "transport disposed");
                return null;
            }
            if (_connections.TryGetValue(connection.Remote, out var existing))
            {
                if (!IsPreferred(connection) || IsPreferred(existing))
                {
                    _logger.LogDebug("Closing duplicate connection to {Peer} at {Address}", connection.Remote, connection.RemoteAddress);
                    Reject(connection, "duplicate connection");
                    return existing;
                }
                superseded = existing;
                _connections[connection.Remote] = connection;
            }
            else if (RotatedOut(connection.Remote))
            {
                _logger.LogDebug("Refusing {Peer} at {Address}: rotated out at the connection limit a moment ago", connection.Remote, connection.RemoteAddress);
                Reject(connection, RotatedOutRecently);
                return null;
            }
            else if (_options.ConnectionLimit > 0 && _connections.Count >= _options.ConnectionLimit)
            {
                _logger.LogDebug("Refusing {Peer} at {Address}: connection limit {Limit} reached", connection.Remote, connection.RemoteAddress, _options.ConnectionLimit);
                Reject(connection, ConnectionLimitReached);
                return null;
            }
            else
            {
                _connections.Add(connection.Remote, connection);
                Report(new PeerConnected(connection.Remote, connection.RemoteAddress, connection.RemoteHello.KnownAddresses));
            }
            Track(connection.Start(OnMessage, OnClosed));
        }
        if (superseded is not null)
            superseded.Close("superseded by the connection dialled by the lower peer name");
        else
            _logger.LogInformation("Connected to peer {Peer} ({Nickname}) at {Address}", connection.Remote, connection.RemoteHello.Nickname, connection.RemoteAddress);
        return connection;
    }

    private const string ConnectionLimitReached = "connection limit reached";

    internal PeerConnection? ConnectionTo(PeerName peer)
    {
        lock (_lock) return _connections.GetValueOrDefault(peer);
    }

    private bool IsPreferred(PeerConnection c)
    {
        var dialler = c.DialledBySelf ? Self : c.Remote;
        return dialler == (Self < c.Remote ? Self : c.Remote);
    }

    /// <summary>Closes a connection that was never started, telling the peer why.</summary>
    private void Reject(PeerConnection connection, string reason)
    {
        connection.TrySend(FrameKind.Refuse, Encoding.UTF8.GetBytes(reason));
        connection.CloseAfterFlush(reason);
        Track(connection.Start((_, _) => { }, _ => { }));
    }

    private void OnMessage(PeerConnection from, byte[] payload) => Report(new MessageReceived(from.Remote, payload));

    private void OnClosed(PeerConnection connection)
    {
        CountTermination();
        lock (_lock)
        {
            if (!_connections.TryGetValue(connection.Remote, out var current) || current != connection) return;
            _connections.Remove(connection.Remote);
            Report(new PeerDisconnected(connection.Remote));
        }
        _logger.LogInformation("Disconnected from peer {Peer} at {Address}: {Reason}", connection.Remote, connection.RemoteAddress, connection.CloseReason);
    }
}
