using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Driver;

/// <summary>Requests answered later by a completion: their ids, and withdrawing one whose caller went away.</summary>
public sealed partial class AllocatorDriver
{
    private long _nextRequestId;

    /// <summary>
    /// Runs <paramref name="start"/> with a fresh request id and waits for its answer; if
    /// <paramref name="cancellation"/> fires first, the request is withdrawn from the engine and the
    /// answer is the engine's (Cancelled, unless it was answered meanwhile).
    /// </summary>
    public async Task<Outcome> Request(Action<long> start, CancellationToken cancellation)
    {
        var (id, answer) = Begin(start);
        if (!answer.IsCompleted && cancellation.CanBeCanceled)
        {
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellation.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), cancelled))
                await Task.WhenAny(answer, cancelled.Task);
            // Back on the caller's scheduler: the engine may be touched again.
            if (!answer.IsCompleted)
            {
                Engine.Cancel(id);
                _ = Flush();
            }
        }
        return await answer;
    }

    /// <summary>Runs a command (free, delete, rmpeer...) under a fresh request id; its answer comes once its effects are durable.</summary>
    public Task<Outcome> Command(Action<Allocator, long> start) => Request(id => start(Engine, id), CancellationToken.None);

    /// <summary>Starts an engine request whose answer comes as a completion; the flush that releases it is under way.</summary>
    public (long Id, Task<Outcome> Answer) Begin(Action<long> start)
    {
        var id = ++_nextRequestId;
        var answer = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = answer;
        start(id);
        _ = Flush();
        return (id, answer.Task);
    }
}
