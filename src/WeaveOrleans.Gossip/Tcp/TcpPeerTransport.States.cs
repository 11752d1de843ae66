namespace WeaveOrleans.Gossip.Tcp;

/// <summary>What each dial loop is doing and how many connections ended, kept for <see cref="Connections"/>.</summary>
public sealed partial class TcpPeerTransport
{
    private enum TargetState { Connecting, Pending, Connected, Retrying, Failed }

    /// <summary>Guarded by _lock; one entry per address given to <see cref="Connect"/> once its dial loop runs.</summary>
    private readonly Dictionary<string, TargetState> _targetStates = new(StringComparer.Ordinal);
    private long _terminations;

    public ConnectionCounts Connections
    {
        get
        {
            lock (_lock)
            {
                int Count(TargetState state) => _targetStates.Values.Count(s => s == state);
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

    private void SetTarget(string hostPort, TargetState state)
    {
        lock (_lock) _targetStates[hostPort] = state;
    }

    private void CountTermination() => Interlocked.Increment(ref _terminations);
}
