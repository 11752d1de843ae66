using System.Net;
using Microsoft.Extensions.Logging;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// The addresses this transport keeps dialling: launch peers (<see cref="Connect"/>) for ever, and
/// addresses peers advertised (<see cref="ConnectLearned"/>) only within bounds, since anyone who
/// completes a handshake can advertise anything.
/// </summary>
public sealed partial class TcpPeerTransport
{
    /// <summary>A launch peer: dialled for as long as the transport runs, and advertised to peers.</summary>
    public void Connect(string hostPort)
    {
        if (!PeerAddress.TryParse(hostPort, out _))
            throw new ArgumentException($"\"{hostPort}\" is not a host:port address", nameof(hostPort));
        CancellationToken stopping;
        var target = new DialTarget(learned: false);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_targets.TryGetValue(hostPort, out var known))
            {
                known.Learned = false;
                return;
            }
            _targets.Add(hostPort, target);
            if (!_started) return;
            stopping = _stopping.Token;
        }
        Track(DialLoopAsync(hostPort, target, stopping));
    }

    /// <summary>
    /// Stops dialling <paramref name="hostPort"/>. Its connection, if up, is left alone; once that drops
    /// the address is not dialled again (unless given again, or learned again with discovery on).
    /// </summary>
    public bool Forget(string hostPort)
    {
        lock (_lock)
        {
            if (!_targets.Remove(hostPort)) return false;
            _targetStates.Remove(hostPort);
        }
        _logger.LogInformation("Forgot peer address {Address}", hostPort);
        return true;
    }

    /// <summary>Whether <paramref name="target"/> is still what <paramref name="hostPort"/> names; a forgotten (or forgotten and re-added) target's loop ends.</summary>
    private bool IsCurrent(string hostPort, DialTarget target)
    {
        lock (_lock)
            return _targets.TryGetValue(hostPort, out var current) && current == target;
    }

    /// <summary>
    /// An address from a peer's hello. Only IP literals (a peer must not make us resolve names),
    /// at most <see cref="TcpPeerTransportOptions.MaxLearnedTargets"/> at a time, each forgotten
    /// after <see cref="TcpPeerTransportOptions.LearnedDialAttempts"/> failures in a row.
    /// </summary>
    public void ConnectLearned(string hostPort)
    {
        if (!PeerAddress.TryParse(hostPort, out var address) || !IPAddress.TryParse(address.Host, out _))
        {
            _logger.LogDebug("Ignoring learned peer address {Address}: not an IP address and port", hostPort);
            return;
        }
        if (!_options.PeerDiscovery)
        {
            _logger.LogDebug("Ignoring learned peer address {Address}: peer discovery is off", hostPort);
            return;
        }
        CancellationToken stopping;
        var target = new DialTarget(learned: true);
        lock (_lock)
        {
            if (_disposed || _targets.ContainsKey(hostPort)) return;
            if (_targets.Values.Count(t => t.Learned) >= _options.MaxLearnedTargets)
            {
                _logger.LogDebug("Ignoring learned peer address {Address}: already trying {Max}", hostPort, _options.MaxLearnedTargets);
                return;
            }
            _targets.Add(hostPort, target);
            if (!_started) return;
            stopping = _stopping.Token;
        }
        Track(DialLoopAsync(hostPort, target, stopping));
    }

    /// <summary>A learned target that failed once more: true when it is forgotten (and its dial loop should end).</summary>
    private bool ForgetAfterFailure(string hostPort, bool giveUp)
    {
        lock (_lock)
        {
            if (!_targets.TryGetValue(hostPort, out var target) || !target.Learned) return giveUp;
            if (++target.Failures < _options.LearnedDialAttempts && !giveUp) return false;
            _targets.Remove(hostPort);
        }
        _logger.LogDebug("Forgetting learned peer address {Address} after {Attempts} failed dials", hostPort, _options.LearnedDialAttempts);
        return true;
    }

    private void Answered(string hostPort)
    {
        lock (_lock)
            if (_targets.TryGetValue(hostPort, out var target))
                target.Failures = 0;
    }

    private sealed class DialTarget(bool learned)
    {
        private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Learned { get; set; } = learned;

        public int Failures { get; set; }

        /// <summary>Waits out a back-off, or less if <see cref="Wake"/> is called meanwhile.</summary>
        public async Task WaitAsync(TimeSpan wait, CancellationToken ct)
        {
            var wake = Volatile.Read(ref _wake);
            if (wake.Task.IsCompleted)
                Interlocked.CompareExchange(ref _wake, wake = new(TaskCreationOptions.RunContinuationsAsynchronously), wake);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            await Task.WhenAny(Task.Delay(wait, stop.Token), Volatile.Read(ref _wake).Task).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }

        /// <summary>A slot was freed: dial now rather than at the end of the back-off.</summary>
        public void Wake() => Volatile.Read(ref _wake).TrySetResult();
    }

    internal IReadOnlyCollection<string> DialTargets
    {
        get { lock (_lock) return [.. _targets.Keys]; }
    }

    /// <summary>The addresses given to <see cref="Connect"/> and not forgotten (learned ones are not included).</summary>
    public IReadOnlyCollection<string> ConfiguredTargets
    {
        get { lock (_lock) return [.. _targets.Where(t => !t.Value.Learned).Select(t => t.Key).Order(StringComparer.Ordinal)]; }
    }

    /// <summary>
    /// What our hellos advertise: launch peers and peers connected right now. Learned addresses that
    /// nobody has connected to are not passed on, so a lie in one hello stops here.
    /// </summary>
    private IReadOnlyList<string> KnownAddresses()
    {
        lock (_lock)
            return [.. _targets.Where(t => !t.Value.Learned).Select(t => t.Key).Union(_connections.Values.Select(c => c.RemoteAddress))];
    }
}
