using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver;

/// <summary>Persist, then send, then answer; and the latch that stops all three once a commit failed.</summary>
public sealed partial class AllocatorDriver
{
    private readonly Dictionary<long, TaskCompletionSource<Outcome>> _waiting = [];
    private Task _tail = Task.CompletedTask;

    /// <summary>
    /// Takes the engine's effects and queues their release behind every earlier flush. The commit
    /// starts at once (so concurrent callers share a group commit), but messages and answers go out only
    /// after this commit and every earlier one are durable. The returned task never faults.
    /// </summary>
    public Task Flush()
    {
        var effects = Engine.TakeEffects();
        _outputs.Flushing?.Invoke(effects);

        // Once a commit failed, memory is ahead of the disk: a later change written on top of it could
        // leave rows on disk that agree with nothing ever durable, so nothing more is written.
        var change = Stopped || StorageFailure is not null ? null : DurableChange.From(effects);
        if (change is null && effects.Messages.Count == 0 && effects.Completions.Count == 0)
            return _tail;

        var messages = effects.Messages
            .Select(m =>
            {
                var payload = MessageCodec.Encode(m.Message);
                return (m.To, Payload: payload, Kind: MessageCodec.KindOf(payload));
            })
            .ToList();
        var commit = change is null ? Task.CompletedTask : _store.CommitAsync(_key, change, CancellationToken.None);
        var task = Release(commit, _tail, messages, effects.Completions);
        _tail = task;
        return task;
    }

    private async Task Release(Task commit, Task previous, List<(PeerName To, byte[] Payload, string Kind)> messages, IReadOnlyList<Completion> completions)
    {
        try
        {
            await commit;
        }
        catch (Exception e)
        {
            StorageFailure ??= e;
        }
        await previous;
        if (StorageFailure is { } failure)
        {
            // Answer nothing as done and send nothing: the host starts again from what is durable.
            foreach (var c in completions)
                Answer(c.RequestId, new Outcome.Failed($"could not persist the change: {failure.Message}"));
            _outputs.StorageFailed(failure);
            return;
        }
        foreach (var (to, payload, kind) in messages)
            _outputs.Send(to, payload, kind);
        // By index: a foreach over the read-only list would box its enumerator on every flush.
        for (var i = 0; i < completions.Count; i++)
            Answer(completions[i].RequestId, completions[i].Outcome);
    }

    private void Answer(long requestId, Outcome outcome)
    {
        if (_waiting.Remove(requestId, out var answer))
            answer.TrySetResult(outcome);
    }
}
