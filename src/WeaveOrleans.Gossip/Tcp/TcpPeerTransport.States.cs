namespace WeaveOrleans.Gossip.Tcp;

/// <summary>What each dial loop is doing and how many connections ended, kept for <see cref="Connections"/> and <see cref="ConnectionList"/>.</summary>
public sealed partial class TcpPeerTransport
{
    private enum TargetState { Connecting, Pending, Connected, Retrying, Failed }

    /// <summary>A target's state, why its last try failed, and when it is tried again (null: never, or not waiting).</summary>
    private readonly record struct TargetStatus(TargetState State, string? Error, DateTimeOffset? RetryAt);

    /// <summary>Guarded by _lock; one entry per dial target once its dial loop runs.</summary>
    private readonly Dictionary<string, TargetStatus> _targetStates = new(StringComparer.Ordinal);
    private long _terminations;

    public ConnectionCounts Connections
    {
        get
        {
            lock (_lock)
            {
                int Count(TargetState state) => _targetStates.Values.Count(s => s.State == state);
                return new ConnectionCounts(
                    Established: _connections.Count,
                    Pending: _admission.Pending + Count(TargetState.Pending),
                    Connecting: Count(TargetState.Connecting),
                    Retrying: Count(TargetState.Retrying),
                    Failed: Count(TargetState.Failed),
                    Terminations: Interlocked.Read(ref _terminations),
                    Refused: Stats.ConnectionsRefused);
            }
        }
    }

    /// <summary>
    /// Every established connection, then every target not connected, sorted by address. Inbound
    /// connections still in their handshake are counted in <see cref="Connections"/> but not listed:
    /// who they are is not known yet.
    /// </summary>
    public IReadOnlyList<ConnectionEntry> ConnectionList
    {
        get
        {
            lock (_lock)
            {
                var live = _connections.Values.Select(c => new ConnectionEntry(c.DialledBySelf, c.RemoteAddress, "established", c.Remote, c.RemoteHello.Nickname));
                var targets = _targetStates.Where(t => t.Value.State != TargetState.Connected).Select(t => new ConnectionEntry(
                    true, t.Key, StateWord(t.Value.State), Error: t.Value.Error, RetryAt: t.Value.RetryAt));
                return [.. live.Concat(targets).OrderBy(e => e.Address, StringComparer.Ordinal)];
            }
        }
    }

    private static string StateWord(TargetState state) => state switch
    {
        TargetState.Connecting => "connecting",
        TargetState.Pending => "pending",
        TargetState.Retrying => "retrying",
        TargetState.Failed => "failed",
        _ => "established",
    };

    /// <summary>Records what <paramref name="target"/>'s loop is doing, unless the target was forgotten meanwhile.</summary>
    private void SetTarget(string hostPort, DialTarget target, TargetState state, string? error = null, DateTimeOffset? retryAt = null)
    {
        lock (_lock)
            if (_targets.TryGetValue(hostPort, out var current) && current == target)
                _targetStates[hostPort] = new TargetStatus(state, error, retryAt);
    }

    private void CountTermination() => Interlocked.Increment(ref _terminations);
}
