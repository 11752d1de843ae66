using System.Threading.Channels;
using WeaveOrleans.Gossip;

namespace WeaveOrleans.Gossip.Tests;

/// <summary>
/// Reads a transport's events and lets a test wait, with a deadline, for the next one matching a
/// predicate. Events read past while waiting are kept, so a later wait can still claim them.
/// </summary>
internal sealed class EventProbe(ChannelReader<PeerEvent> reader)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly List<PeerEvent> _unclaimed = [];

    /// <summary>Every event read so far, claimed or not, in arrival order.</summary>
    public List<PeerEvent> Seen { get; } = [];

    public async Task<T> WaitFor<T>(Func<T, bool>? match = null, TimeSpan? deadline = null) where T : PeerEvent
    {
        match ??= _ => true;
        var hit = _unclaimed.OfType<T>().FirstOrDefault(match);
        if (hit is not null)
        {
            _unclaimed.Remove(hit);
            return hit;
        }
        using var cts = new CancellationTokenSource(deadline ?? Deadline);
        try
        {
            while (true)
            {
                var e = await reader.ReadAsync(cts.Token);
                Seen.Add(e);
                if (e is T t && match(t)) return t;
                _unclaimed.Add(e);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {typeof(T).Name} matching within {deadline ?? Deadline}; saw: {string.Join(", ", Seen)}");
        }
    }

    /// <summary>Reads whatever is already queued without waiting.</summary>
    public List<PeerEvent> Drain()
    {
        while (reader.TryRead(out var e))
        {
            Seen.Add(e);
            _unclaimed.Add(e);
        }
        return Seen;
    }
}
