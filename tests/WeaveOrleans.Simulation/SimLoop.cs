namespace WeaveOrleans.Simulation;

/// <summary>
/// The simulator's one thread of control, standing where a grain's turn scheduler stands in the host:
/// every await inside a driver (and inside the group commit over the simulated disk) resumes here, in
/// the order it was posted, so a seed decides the interleaving and not the thread pool.
/// </summary>
public sealed class SimLoop : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Work, object? State)> _queue = new();
    private readonly object _gate = new();
    private int? _thread;

    /// <summary>Work posted from another thread: something escaped the loop, so replay is no longer exact.</summary>
    public int ForeignPosts { get; private set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_gate)
        {
            if (_thread is { } owner && owner != Environment.CurrentManagedThreadId)
                ForeignPosts++;
            _queue.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("the simulator's loop runs posted work only");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="action"/> on the loop, then everything it posted, until nothing is left.</summary>
    public void Run(Action action)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        _thread = Environment.CurrentManagedThreadId;
        try
        {
            action();
            while (TryTake(out var item))
                item.Work(item.State);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    /// <summary>For the group commit's writer: it runs on the loop, as a posted item.</summary>
    public void Schedule(Action work) => Post(static s => ((Action)s!)(), work);

    private bool TryTake(out (SendOrPostCallback Work, object? State) item)
    {
        lock (_gate)
            return _queue.TryDequeue(out item);
    }
}
