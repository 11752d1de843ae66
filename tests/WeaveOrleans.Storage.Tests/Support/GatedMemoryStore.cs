namespace WeaveOrleans.Storage.Tests.Support;

/// <summary>
/// In-memory store whose writes can be held open, so a test decides exactly which changes arrive while a
/// write is in flight. Any row with ident "fail" makes the write throw.
/// </summary>
internal sealed class GatedMemoryStore : IAllocatorStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, (Dictionary<string, byte[]> Parts, Dictionary<string, byte[]> Rows)> hosts = new(StringComparer.Ordinal);
    private TaskCompletionSource? hold;

    public List<StateChange> Written { get; } = [];

    public List<string> Log { get; } = [];

    public int InFlight { get; private set; }

    /// <summary>Makes the next writes wait until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (gate)
        {
            hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        TaskCompletionSource? released;
        lock (gate)
        {
            released = hold;
            hold = null;
        }
        released?.SetResult();
    }

    public Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(hosts.TryGetValue(hostKey, out var host)
                ? new StoredState(new Dictionary<string, byte[]>(host.Parts), new Dictionary<string, byte[]>(host.Rows))
                : null);
        }
    }

    public async Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken)
    {
        await Enter("commit").ConfigureAwait(false);
        lock (gate)
        {
            InFlight--;
            Written.Add(change);
            if (change.Rows.ContainsKey("fail"))
            {
                throw new InvalidOperationException("injected failure");
            }
            if (!hosts.TryGetValue(hostKey, out var host))
            {
                host = (new Dictionary<string, byte[]>(StringComparer.Ordinal), new Dictionary<string, byte[]>(StringComparer.Ordinal));
            }
            change.ApplyTo(host.Parts, host.Rows);
            hosts[hostKey] = host;
        }
    }

    public async Task DeleteAsync(string hostKey, CancellationToken cancellationToken)
    {
        await Enter("delete").ConfigureAwait(false);
        lock (gate)
        {
            InFlight--;
            hosts.Remove(hostKey);
        }
    }

    private Task Enter(string what)
    {
        lock (gate)
        {
            InFlight++;
            Log.Add(what);
            return hold?.Task ?? Task.CompletedTask;
        }
    }
}
