namespace WeaveOrleans.Docker;

public enum DockerState
{
    /// <summary>Not tried yet.</summary>
    Connecting,
    /// <summary>Subscribed to the event stream.</summary>
    Connected,
    /// <summary>Unreachable or the stream broke; retrying.</summary>
    Absent,
}

/// <summary>A consistent copy of <see cref="DockerStatus"/>.</summary>
public sealed record DockerStatusSnapshot(
    DockerState State,
    string Endpoint,
    string? ServerVersion,
    string? LastError,
    long EventsSeen,
    long GrainCallFailures,
    int Connections,
    DateTimeOffset? StateSince);

/// <summary>What the Docker bridge knows about Docker, for <c>weave status</c>. One per host (a DI singleton).</summary>
public sealed class DockerStatus : WeaveOrleans.Grains.IDockerStatusSource
{
    private readonly Lock _gate = new();
    private DockerState _state = DockerState.Connecting;
    private string _endpoint = "";
    private string? _serverVersion;
    private string? _lastError;
    private long _eventsSeen;
    private long _grainCallFailures;
    private int _connections;
    private DateTimeOffset? _since;

    public DockerState State { get { lock (_gate) return _state; } }

    public long EventsSeen => Interlocked.Read(ref _eventsSeen);

    public DockerStatusSnapshot Snapshot()
    {
        lock (_gate)
            return new DockerStatusSnapshot(_state, _endpoint, _serverVersion, _lastError,
                Interlocked.Read(ref _eventsSeen), Interlocked.Read(ref _grainCallFailures), _connections, _since);
    }

    /// <summary>One line for <c>weave status</c>.</summary>
    public string Describe() => "Docker: " + Summary();

    public string Summary()
    {
        var s = Snapshot();
        return s.State switch
        {
            DockerState.Connected => $"connected to {s.Endpoint} (engine {s.ServerVersion}), {s.EventsSeen} container events seen",
            DockerState.Absent => $"not reachable at {s.Endpoint}: {s.LastError} (retrying)",
            _ => $"connecting to {s.Endpoint}",
        };
    }

    internal void SetEndpoint(string endpoint)
    {
        lock (_gate) _endpoint = endpoint;
    }

    /// <returns>Whether the state changed.</returns>
    internal bool SetConnected(string? serverVersion, DateTimeOffset now)
    {
        lock (_gate)
        {
            var changed = _state != DockerState.Connected;
            _state = DockerState.Connected;
            _serverVersion = serverVersion;
            _connections++;
            _since = now;
            return changed;
        }
    }

    /// <returns>Whether the state changed.</returns>
    internal bool SetAbsent(string error, DateTimeOffset now)
    {
        lock (_gate)
        {
            var changed = _state != DockerState.Absent;
            _state = DockerState.Absent;
            _lastError = error;
            if (changed) _since = now;
            return changed;
        }
    }

    internal void RecordError(string error)
    {
        lock (_gate) _lastError = error;
    }

    internal void CountEvent() => Interlocked.Increment(ref _eventsSeen);

    internal void CountGrainFailure() => Interlocked.Increment(ref _grainCallFailures);
}
