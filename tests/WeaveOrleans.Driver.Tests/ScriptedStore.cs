using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver.Tests;

/// <summary>
/// A store whose commits stay in flight until the test completes or fails them, in any order. Their
/// continuations run inline in <see cref="Complete"/>, so with no synchronization context a test sees
/// everything a completion released as soon as the call returns.
/// </summary>
internal sealed class ScriptedStore : IAllocatorStore
{
    public StoredState? Loaded { get; set; }

    public List<(StateChange Change, TaskCompletionSource Done)> Commits { get; } = [];

    public int Deletes { get; private set; }

    /// <summary>When set, every commit completes at once.</summary>
    public bool Immediate { get; set; }

    public Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken) => Task.FromResult(Loaded);

    public Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource();
        Commits.Add((change, done));
        if (Immediate)
            done.SetResult();
        return done.Task;
    }

    public Task DeleteAsync(string hostKey, CancellationToken cancellationToken)
    {
        Deletes++;
        return Task.CompletedTask;
    }

    public void Complete(int index) => Commits[index].Done.SetResult();

    public void Fail(int index, string message) => Commits[index].Done.SetException(new IOException(message));
}
