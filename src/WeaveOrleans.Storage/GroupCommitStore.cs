namespace WeaveOrleans.Storage;

/// <summary>
/// Lets concurrent commits for the same host share one transaction (and so one fsync): while a write is in
/// flight, new changes queue up; the next write merges everything queued. A caller's task completes only
/// after the write that contains its change is durable, and a failed write fails every caller in it.
/// Deletes act as barriers so a reset is never reordered with the commits around it.
/// </summary>
/// <remarks>
/// A failed write latches its host: what was queued behind it and everything written later fails too
/// (<see cref="StorageLatchedException"/>), since a later change landing on top of a lost one would
/// leave a state on disk that was never whole. The latch lifts when the host's owner starts again,
/// which it does by loading what is durable.
/// </remarks>
public sealed class GroupCommitStore : IAllocatorStore, IAsyncDisposable
{
    private readonly IAllocatorStore inner;
    private readonly object gate = new();
    private readonly Dictionary<string, HostLane> lanes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Exception> latched = new(StringComparer.Ordinal);
    private readonly Action<Action>? writerScheduler;
    private long batchesWritten;

    /// <param name="startWriter">
    /// Where a host's writer runs; by default the thread pool. The simulator passes its own loop, so that
    /// which changes share a batch is decided by the seed and not by thread timing.
    /// </param>
    public GroupCommitStore(IAllocatorStore inner, Action<Action>? startWriter = null)
    {
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
        this.writerScheduler = startWriter;
    }

    /// <summary>Writes handed to the inner store (commits and deletes).</summary>
    public long BatchesWritten => Interlocked.Read(ref batchesWritten);

    /// <summary>Reads what is durable; as the owner's restart, it also lifts the host's latch.</summary>
    public Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            latched.Remove(hostKey);
        }
        return inner.LoadAsync(hostKey, cancellationToken);
    }

    public Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return Enqueue(hostKey, new PendingWrite(change), cancellationToken);
    }

    public Task DeleteAsync(string hostKey, CancellationToken cancellationToken) =>
        Enqueue(hostKey, new PendingWrite(null), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (inner is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task Enqueue(string hostKey, PendingWrite write, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostKey);
        HostLane lane;
        bool startWriter;
        lock (gate)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled(cancellationToken);
            }
            if (latched.TryGetValue(hostKey, out var failure))
            {
                return Task.FromException(new StorageLatchedException(hostKey, failure));
            }
            if (!lanes.TryGetValue(hostKey, out lane!))
            {
                lane = new HostLane(hostKey);
                lanes.Add(hostKey, lane);
            }
            lane.Queue.Add(write);
            startWriter = !lane.Writing;
            lane.Writing = true;
        }

        if (cancellationToken.CanBeCanceled)
        {
            // Cancellation only withdraws a change that no write has picked up yet; once it is in a
            // transaction the caller learns the real outcome.
            var registration = cancellationToken.Register(() =>
            {
                bool withdrawn;
                lock (gate)
                {
                    withdrawn = lane.Queue.Remove(write);
                }
                if (withdrawn)
                {
                    write.Completion.TrySetCanceled(cancellationToken);
                }
            });
            write.Completion.Task.ContinueWith(
                static (_, state) => ((CancellationTokenRegistration)state!).Dispose(),
                registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        if (startWriter && writerScheduler is { } schedule)
        {
            schedule(() => _ = DrainAsync(lane));
        }
        else if (startWriter)
        {
            // Off the caller's thread, so no caller is held hostage draining other callers' writes; and on the
            // global queue, not this thread's LIFO local one: callers released by the previous write get to
            // enqueue their next changes before the writer starts, which is what makes batches grow when the
            // inner store blocks (Microsoft.Data.Sqlite fsyncs synchronously).
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Store.DrainAsync(state.Lane), (Store: this, Lane: lane), preferLocal: false);
        }
        return write.Completion.Task;
    }

    private async Task DrainAsync(HostLane lane)
    {
        while (true)
        {
            List<PendingWrite> batch;
            lock (gate)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.Writing = false;
                    lanes.Remove(lane.HostKey);
                    return;
                }
                batch = TakeBatch(lane.Queue);
            }

            try
            {
                Interlocked.Increment(ref batchesWritten);
                if (batch[0].Change is null)
                {
                    await inner.DeleteAsync(lane.HostKey, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await inner.CommitAsync(lane.HostKey, Merge(batch), CancellationToken.None).ConfigureAwait(false);
                }
                foreach (var write in batch)
                {
                    write.Completion.TrySetResult();
                }
            }
            catch (Exception error)
            {
                List<PendingWrite> behind;
                lock (gate)
                {
                    latched[lane.HostKey] = error;
                    behind = [.. lane.Queue];
                    lane.Queue.Clear();
                }
                foreach (var write in batch)
                {
                    write.Completion.TrySetException(error);
                }
                var refused = new StorageLatchedException(lane.HostKey, error);
                foreach (var write in behind)
                {
                    write.Completion.TrySetException(refused);
                }
            }
        }
    }

    /// <summary>A delete alone, or every commit queued before the next delete.</summary>
    private static List<PendingWrite> TakeBatch(List<PendingWrite> queue)
    {
        var count = 1;
        if (queue[0].Change is not null)
        {
            while (count < queue.Count && queue[count].Change is not null)
            {
                count++;
            }
        }
        var batch = queue.GetRange(0, count);
        queue.RemoveRange(0, count);
        return batch;
    }

    private static StateChange Merge(List<PendingWrite> batch)
    {
        if (batch.Count == 1)
        {
            return batch[0].Change!;
        }
        var merged = new MergedChange();
        foreach (var write in batch)
        {
            merged.Add(write.Change!);
        }
        return merged.ToChange();
    }

    private sealed class HostLane(string hostKey)
    {
        public string HostKey { get; } = hostKey;
        public List<PendingWrite> Queue { get; } = [];
        public bool Writing { get; set; }
    }

    /// <summary>A queued commit, or a delete when <see cref="Change"/> is null.</summary>
    private sealed class PendingWrite(StateChange? change)
    {
        public StateChange? Change { get; } = change;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
