using Microsoft.Extensions.Logging;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// Rotation at the connection limit (see <see cref="TcpPeerTransportOptions.ConnectionRotationInterval"/>):
/// with every slot taken, the oldest connection is closed now and then, its peer kept out for as long
/// again, and the dial loops waiting out a back-off are woken to try the freed slot.
/// </summary>
public sealed partial class TcpPeerTransport
{
    private const string RotatedOutRecently = "rotated out at the connection limit a moment ago";

    /// <summary>The peer last rotated out, and until when (<see cref="Environment.TickCount64"/>) it is refused; guarded by _lock.</summary>
    private (PeerName Peer, long Until)? _rotatedOut;

    /// <summary>Connections closed to make room at the limit.</summary>
    internal long Rotations => Interlocked.Read(ref _rotations);

    private long _rotations;

    private bool RotatedOut(PeerName peer) =>
        _rotatedOut is { } r && r.Peer == peer && Environment.TickCount64 < r.Until;

    private async Task RotateLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.ConnectionRotationInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                RotateOnce();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Closes the oldest connection if every slot is taken, it is at least one interval old and some target is not connected.</summary>
    internal void RotateOnce()
    {
        var interval = (long)_options.ConnectionRotationInterval.TotalMilliseconds;
        PeerConnection? oldest;
        List<DialTarget> waiting;
        lock (_lock)
        {
            if (_disposed || _connections.Count < _options.ConnectionLimit)
                return;
            var now = Environment.TickCount64;
            oldest = _connections.Values.MinBy(c => c.EstablishedAt);
            waiting = [.. _targets.Where(t => _targetStates.GetValueOrDefault(t.Key).State is not TargetState.Connected).Select(t => t.Value)];
            if (oldest is null || now - oldest.EstablishedAt < interval || waiting.Count == 0)
                return;
            _rotatedOut = (oldest.Remote, now + interval);
        }
        Interlocked.Increment(ref _rotations);
        _logger.LogInformation("Rotating out peer {Peer} at {Address}: at the connection limit of {Limit}, to make room for another peer",
            oldest.Remote, oldest.RemoteAddress, _options.ConnectionLimit);
        oldest.Close("rotated out at the connection limit, to make room for another peer");
        foreach (var target in waiting)
            target.Wake();
    }
}
