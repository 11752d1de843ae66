using System.Collections.Concurrent;

namespace WeaveOrleans.Host.Gossip;

/// <summary>Messages and payload bytes sent and received, per message kind; read by /metrics.</summary>
public sealed class GossipStats
{
    private readonly ConcurrentDictionary<string, Counters> _byKind = new(StringComparer.Ordinal);

    public void Sent(string kind, int bytes)
    {
        var c = _byKind.GetOrAdd(kind, _ => new Counters());
        Interlocked.Increment(ref c.MessagesSent);
        Interlocked.Add(ref c.BytesSent, bytes);
    }

    public void Received(string kind, int bytes)
    {
        var c = _byKind.GetOrAdd(kind, _ => new Counters());
        Interlocked.Increment(ref c.MessagesReceived);
        Interlocked.Add(ref c.BytesReceived, bytes);
    }

    public IReadOnlyDictionary<string, KindCounters> Snapshot() =>
        _byKind.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(
            kv => kv.Key,
            kv => new KindCounters(
                Interlocked.Read(ref kv.Value.MessagesSent), Interlocked.Read(ref kv.Value.BytesSent),
                Interlocked.Read(ref kv.Value.MessagesReceived), Interlocked.Read(ref kv.Value.BytesReceived)),
            StringComparer.Ordinal);

    private sealed class Counters
    {
        public long MessagesSent;
        public long BytesSent;
        public long MessagesReceived;
        public long BytesReceived;
    }
}

public readonly record struct KindCounters(long MessagesSent, long BytesSent, long MessagesReceived, long BytesReceived);
