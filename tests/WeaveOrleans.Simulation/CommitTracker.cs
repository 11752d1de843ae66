using WeaveOrleans.Storage;

namespace WeaveOrleans.Simulation;

/// <summary>
/// Sits between a driver and its store and remembers the commits not yet durable and when each was
/// issued (on the network's sequence): what a crash may take back without breaking a promise, and what
/// no answer may depend on.
/// </summary>
public sealed class CommitTracker(IAllocatorStore inner, Func<long> sequence) : IAllocatorStore
{
    private readonly List<(long Issued, StateChange Change)> _inFlight = [];

    /// <summary>Idents with a change not yet durable.</summary>
    public IReadOnlySet<string> Unsettled => _inFlight.SelectMany(c => c.Change.Rows.Keys).ToHashSet(StringComparer.Ordinal);

    /// <summary>When the oldest commit not yet durable was issued; null when every commit is durable.</summary>
    public long? OldestUnsettled => _inFlight.Count == 0 ? null : _inFlight.Min(c => c.Issued);

    public Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken) =>
        inner.LoadAsync(hostKey, cancellationToken);

    public Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken)
    {
        var entry = (sequence(), change);
        _inFlight.Add(entry);
        var commit = inner.CommitAsync(hostKey, change, cancellationToken);
        _ = Settle(entry, commit);
        return commit;
    }

    public Task DeleteAsync(string hostKey, CancellationToken cancellationToken) =>
        inner.DeleteAsync(hostKey, cancellationToken);

    private async Task Settle((long, StateChange) entry, Task commit)
    {
        try
        {
            await commit;
        }
        catch (IOException)
        {
            return; // not on disk: stays unsettled for the rest of this incarnation
        }
        _inFlight.Remove(entry);
    }
}
